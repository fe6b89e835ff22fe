#!/usr/bin/env bash
# What callers send must not grow a proxy (issue 13): a proxy that routes by :authority (no
# --service), its control plane and two echo servers, each in its own process; the proxy warmed by
# real traffic, then flooded with calls each to a different authority no Link serves. Prints the
# proxy's RSS, its /metrics size and its upstream channels before and after each flood.
#   tools/bench-flood.sh [--authorities 10000] [--floods 3]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
authorities=10000
floods=3
while [[ $# -gt 0 ]]; do
  case "$1" in
    --authorities) authorities=$2; shift 2 ;;
    --floods) floods=$2; shift 2 ;;
    *) echo "usage: $0 [--authorities N] [--floods N]" >&2; exit 2 ;;
  esac
done
# shellcheck source=bench-processes.sh
source "$here/bench-processes.sh"

v1=$(free_port); v2=$(free_port); xds=$(free_port); proxy=$(free_port); admin=$(free_port)
start v1 echo --port "$v1" --name v1 --quiet
start v2 echo --port "$v2" --name v2 --quiet
cat >"$logs/links.yaml" <<YAML
apiVersion: linkerd.io/v1alpha1
kind: Link
metadata: {name: my-grpc-service}
spec:
  service: {name: grpc-service.default.svc.cluster.local, port: 50051}
  target:
    - {name: 127.0.0.1, port: $v1}
    - {name: 127.0.0.1, port: $v2}
YAML
start control-plane control-plane --config "$logs/links.yaml" --xds-port "$xds" --admin-port 0
for port in "$v1" "$v2" "$xds"; do await_port "$port" 30; done
start proxy proxy --listen-port "$proxy" --xds-server "127.0.0.1:$xds" --admin-port "$admin"
proxy_pid=${pids[-1]}
await_port "$proxy" 30

java_pid() { pgrep -P "$proxy_pid" java || echo "$proxy_pid"; }
rss() { awk '/VmRSS/ {printf "%.0f MiB", $2/1024}' "/proc/$(java_pid)/status"; }
# The live heap after a full collection: what the proxy holds on to, apart from the JVM's own growth.
live_heap() {
  jcmd "$(java_pid)" GC.run >/dev/null 2>&1
  jcmd "$(java_pid)" GC.heap_info 2>/dev/null | awk '/generation/ {for (i=1;i<NF;i++) if ($i=="used") {sub(/K,?/,"",$(i+1)); kib+=$(i+1)}}
    END {printf "%.1f MiB", kib/1024}'
}
report() {
  local metrics; metrics=$(curl -s "http://127.0.0.1:$admin/metrics")
  printf '%-22s RSS %-9s heap after GC %-8s /metrics %6d lines, upstream channels %s\n' "$1" "$(rss)" \
    "$(live_heap)" "$(grep -vc '^#' <<<"$metrics")" "$(awk '/^fulcrum_upstream_channels/ {print $2}' <<<"$metrics")"
}
echo "logs in $logs"
# Real traffic first, so the JIT and the pools are warm before anything is compared.
"$here/fulcrum" flood --target "127.0.0.1:$proxy" --authorities 50000 --served grpc-service.default.svc.cluster.local:50051
report "after real traffic"
# A small flood too: its first unknown names compile the paths every later one takes.
"$here/fulcrum" flood --target "127.0.0.1:$proxy" --authorities 1000 --prefix warm
report "warm, before floods"
for round in $(seq "$floods"); do
  "$here/fulcrum" flood --target "127.0.0.1:$proxy" --authorities "$authorities" --prefix "f$round"
  report "after flood $round"
done
