#!/usr/bin/env bash
# What mTLS costs between two Fulcrum sidecars, in one run on this machine:
#   tools/bench-mtls.sh [--duration 30s] [--rounds 3] [--rate 1000] [--concurrency 16] [--authz]
#
# Every part its own process: an echo server, a control plane issuing identities (file mode,
# --identity-dir), an inbound sidecar in front of the echo server (default/bench, permissive: it
# takes mTLS and plaintext on one port), and two outbound proxies (default/client) whose Links
# point at that inbound port, one plaintext and one meshed (the target's `identity`, so mTLS, the
# server's identity checked). Both paths are the same two proxy hops; only TLS differs.
#   closed   unary Echo, --concurrency in flight, interleaved rounds: calls/s and latencies
#   open     unary at --rate, interleaved rounds: latencies, p50/p99 added by mTLS
#   cpu      each path alone at --rate for --duration: CPU (utime+stime from /proc) of both proxies,
#            per 1,000 calls, and their peak RSS
# Connections are cached: the handshake happens once per connection, before the measured calls.
# --authz measures what authorization costs instead: both paths mTLS, to two inbound sidecars of
# the same echo server, `allow` (default/bench, no Authorization: the default, allow) and `authz`
# (default/bench-authz, selected by an Authorization of four rules, the caller matching the last).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
duration=30s rounds=3 rate=1000 concurrency=16 authz=false
while [[ $# -gt 0 ]]; do
  case "$1" in
    --duration) duration=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --rate) rate=$2; shift 2 ;;
    --concurrency) concurrency=$2; shift 2 ;;
    --authz) authz=true; shift ;;
    -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
    *) echo "bench-mtls.sh: unknown flag $1" >&2; exit 2 ;;
  esac
done
# shellcheck source=bench-processes.sh
source "$here/bench-processes.sh"
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }  # utime + stime, in clock ticks
peak_rss() { awk '/VmHWM/ {printf "%.1f MiB", $2 / 1024}' "/proc/$1/status"; }

echo "$(date -u '+%F %T') UTC, $(nproc) cores ($(lscpu | sed -n 's/^Model name: *//p')), load average$(uptime | sed 's/.*load average//'); logs in $logs"
echo_port=$(free_port) xds_port=$(free_port) inbound_port=$(free_port) plain_port=$(free_port) mtls_port=$(free_port)
start echo echo --port "$echo_port" --name bench --quiet
link() {  # NAME PORT TARGET-PORT [IDENTITY]: a Link document
  cat <<EOF
apiVersion: linkerd.io/v1alpha1
kind: Link
metadata: {name: $1}
spec:
  service: {name: $1, port: $2}
  target:
    - {name: 127.0.0.1, port: $3${4:+, identity: $4}}
---
EOF
}
if [[ $authz == true ]]; then
  # Paths a and b: the same mTLS hops, to a sidecar no Authorization selects and to one selected.
  a=allow b=authz b_inbound_port=$(free_port)
  { link bench-allow "$plain_port" "$inbound_port" default/bench
    link bench-authz "$mtls_port" "$b_inbound_port" default/bench-authz
    cat <<EOF
apiVersion: linkerd.io/v1alpha1
kind: Authorization
metadata: {name: bench-callers, namespace: default}
spec:
  server: {identity: default/bench-authz}
  rules:
    - {from: {identities: ["payments/*"]}, methods: ["*"]}
    - {from: {identities: ["default/reporter"]}, methods: ["/fulcrum.echo.v1.EchoService/ServerStream"]}
    - {from: {unauthenticated: true}, methods: ["/grpc.health.v1.Health/Check"]}
    - {from: {identities: ["default/client"]}, methods: ["/fulcrum.echo.v1.EchoService/*"]}
EOF
  } >"$logs/links.yaml"
else
  a=plaintext b=mtls b_inbound_port=$inbound_port
  { link bench-plaintext "$plain_port" "$inbound_port"
    link bench-mtls "$mtls_port" "$inbound_port" default/bench
  } >"$logs/links.yaml"
fi
start control-plane control-plane --config "$logs/links.yaml" --xds-port "$xds_port" --xds-address 127.0.0.1 \
  --admin-port 0 --identity-dir "$logs/ca"
await_port "$echo_port"
await_port "$xds_port" 60
inbound() {  # NAME PORT IDENTITY: an inbound sidecar in front of the echo server
  start "$1" proxy --inbound-port "$2" --inbound-address 127.0.0.1 --app-port "$echo_port" \
    --identity "$3" --xds-server "127.0.0.1:$xds_port" --inbound-tls permissive --admin-port 0
}
inbound inbound "$inbound_port" default/bench
a_inbound_pid=${pids[-1]} b_inbound_pid=${pids[-1]}
if [[ $authz == true ]]; then
  inbound inbound-authz "$b_inbound_port" default/bench-authz
  b_inbound_pid=${pids[-1]}
fi
start "$a" proxy --listen-port "$plain_port" --xds-server "127.0.0.1:$xds_port" --service "bench-$a:$plain_port" \
  --identity default/client --admin-port 0
a_pid=${pids[-1]}
start "$b" proxy --listen-port "$mtls_port" --xds-server "127.0.0.1:$xds_port" --service "bench-$b:$mtls_port" \
  --identity default/client --admin-port 0
b_pid=${pids[-1]}
for port in "$inbound_port" "$b_inbound_port" "$plain_port" "$mtls_port"; do await_port "$port" 60; done

targets="$a=127.0.0.1:$plain_port,$b=127.0.0.1:$mtls_port"
bench() { "$here/fulcrum" bench "$@"; }
# The shared inbound sidecar is cold at first (JIT): warm both paths, unmeasured.
bench --targets "$targets" --duration 20s --rounds 1 --warmup 10s --concurrency "$concurrency" >/dev/null
echo "== unary, closed loop, $concurrency in flight (two proxy hops each)"
bench --targets "$targets" --duration "$duration" --rounds "$rounds" --concurrency "$concurrency"
echo
echo "== unary, open loop, $rate calls/s"
bench --targets "$targets" --duration "$duration" --rounds "$rounds" --rate "$rate"
echo
seconds=${duration%s}
echo "== CPU per 1,000 calls, each path alone at $rate calls/s for ${seconds}s (outbound proxy + inbound sidecar)"
for path in "$a" "$b"; do
  if [[ $path == "$a" ]]; then port=$plain_port outbound=$a_pid inbound_pid=$a_inbound_pid
  else port=$mtls_port outbound=$b_pid inbound_pid=$b_inbound_pid; fi
  bench --target "127.0.0.1:$port" --rate "$rate" --duration 5s --warmup 0s >/dev/null  # warm, unmeasured
  before=$(( $(ticks "$outbound") + $(ticks "$inbound_pid") ))
  bench --target "127.0.0.1:$port" --rate "$rate" --duration "$duration" --warmup 0s >"$logs/cpu-$path.txt"
  after=$(( $(ticks "$outbound") + $(ticks "$inbound_pid") ))
  hz=$(getconf CLK_TCK)
  awk -v t=$(( after - before )) -v hz="$hz" -v calls=$(( rate * seconds )) -v path="$path" \
    'BEGIN {printf "%-9s %.0f ms CPU per 1,000 calls (%d calls)\n", path, t * 1000 / hz / calls * 1000, calls}'
done
echo "peak RSS: $a's inbound sidecar $(peak_rss "$a_inbound_pid"), $b's $(peak_rss "$b_inbound_pid"), $a outbound $(peak_rss "$a_pid"), $b outbound $(peak_rss "$b_pid")"
