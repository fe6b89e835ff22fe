#!/usr/bin/env bash
# JMH microbenchmarks of the proxy's hot paths (benchmarks/), never part of `mvn verify`'s tests:
#   mvn -q -DskipTests package && tools/jmh.sh [JMH flags, e.g. MarshallingBenchmark -prof gc]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
target="$root/benchmarks/target"
if [[ ! -d "$target/classes" || ! -f "$target/classpath.txt" ]]; then
  echo "jmh.sh: not built yet; run 'mvn -q -DskipTests package' in $root" >&2
  exit 2
fi
exec java -cp "$target/classes:$(cat "$target/classpath.txt")" org.openjdk.jmh.Main "$@"
