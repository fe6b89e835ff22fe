#!/usr/bin/env bash
# Kubernetes mode at scale (not part of the test suite): a mock API server with 1,000 Services x 10
# endpoints and 1,000 Links, a control plane process in Kubernetes mode (tools/fulcrum), and 20 ADS
# subscribers. Prints EndpointSlice-change-to-every-subscriber latency, the control plane's heap
# and RSS, and the full sync time. Flags: --services N --endpoints N --subscribers N --changes N.
#   tools/bench-kubernetes.sh [--services 1000] [--subscribers 20]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
cp=$(mktemp)
# One reactor build: the launcher's jars and the bench's classpath both come from this worktree.
mvn -B -q -o -DskipTests -pl integration-tests -am package dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile="$cp" >/dev/null
exec java -Xmx2g -cp "integration-tests/target/test-classes:$(cat "$cp")" dev.fulcrum.it.bench.KubernetesScaleBench "$@"
