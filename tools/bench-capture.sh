#!/usr/bin/env bash
# What capture costs, measured in network namespaces (run as root; needs ip, iptables, setpriv):
#   tools/bench-capture.sh [--duration 15s] [--rounds 3] [--concurrency 16] [--rate 1000]
# A "pod" namespace, captured by `fulcrum capture install` as the init container does it, runs the
# control plane (on loopback) and a proxy as 65532 with --captured; a "remote" one, joined by a
# veth pair, runs two echo servers. One `fulcrum bench` in the pod then sends gRPC, interleaved
# round by round, to:
#   direct    an echo server's address, skipped by the capture (--skip-outbound-cidrs): no proxy
#   opaque    the same echo server at the remote's other address, captured, named by no Link:
#             the proxy passes the connection through, byte for byte (Passthrough)
#   balanced  grpc-service.default.svc.cluster.local:50051, captured, the seed Link's service: the
#             proxy balances every call over both echo servers
# and then, at a fixed rate, opaque and balanced alone, for the proxy's CPU per 1,000 calls
# (utime+stime from /proc). Every namespace, file and process it makes goes when it ends.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
duration=15s rounds=3 concurrency=16 rate=1000
while [[ $# -gt 0 ]]; do
  case "$1" in
    --duration) duration=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --concurrency) concurrency=$2; shift 2 ;;
    --rate) rate=$2; shift 2 ;;
    *) echo "bench-capture: unknown flag $1" >&2; exit 2 ;;
  esac
done
[[ $(id -u) == 0 ]] || { echo "bench-capture: run as root (it makes network namespaces)" >&2; exit 2; }
[[ -f "$here/target/classpath.txt" ]] || { echo "bench-capture: build first: mvn -q -DskipTests package" >&2; exit 2; }

pod="fbench-$$-pod" remote="fbench-$$-remote"
work=$(mktemp -d)
pids=()
cleanup() {
  kill "${pids[@]}" 2>/dev/null || true
  wait 2>/dev/null || true
  ip netns del "$pod" 2>/dev/null || true
  ip netns del "$remote" 2>/dev/null || true
  rm -rf "/etc/netns/$pod" "$work"
}
trap cleanup EXIT
ip netns add "$pod"
ip netns add "$remote"
ip link add "fb$$p" netns "$pod" type veth peer name "fb$$r" netns "$remote"
ip -n "$pod" addr add 10.214.0.1/29 dev "fb$$p"
ip -n "$remote" addr add 10.214.0.2/29 dev "fb$$r"
ip -n "$remote" addr add 10.214.0.3/29 dev "fb$$r"
for ns in "$pod" "$remote"; do ip -n "$ns" link set lo up; done
ip -n "$pod" link set "fb$$p" up
ip -n "$remote" link set "fb$$r" up
mkdir -p "/etc/netns/$pod"
printf '127.0.0.1 localhost\n10.214.0.2 grpc-service-v1 grpc-service-v2\n10.214.0.3 grpc-service.default.svc.cluster.local\n' \
  >"/etc/netns/$pod/hosts"

# The proxy runs as 65532, which cannot read a Maven repository under root's home: its classpath,
# hard-linked (or copied) into a directory anyone can read.
mkdir -m 755 "$work/cp"
cp -r "$here/target/classes" "$work/cp/classes"
cp_entries="$work/cp/classes"
for jar in $(tr ':' ' ' <"$here/target/classpath.txt"); do
  cp -l "$jar" "$work/cp/" 2>/dev/null || cp "$jar" "$work/cp/"
  cp_entries+=":$work/cp/$(basename "$jar")"
done
chmod -R a+rX "$work/cp"
chmod 755 "$work"

in_ns() { local ns=$1 log=$2; shift 2; ip netns exec "$ns" "$@" >"$work/$log.log" 2>&1 & pids+=($!); }
await_log() {
  for _ in $(seq 600); do grep -q "$2" "$work/$1.log" 2>/dev/null && return; sleep 0.1; done
  echo "bench-capture: $1 did not start:" >&2; tail -20 "$work/$1.log" >&2; exit 1
}
cat >"$work/links.yaml" <<'YAML'
apiVersion: linkerd.io/v1alpha1
kind: Link
metadata: {name: my-grpc-service}
spec:
  service: {name: grpc-service.default.svc.cluster.local, port: 50051}
  target:
    - {name: grpc-service-v1, port: 7001}
    - {name: grpc-service-v2, port: 7002}
  strategy: round-robin
YAML
in_ns "$remote" echo-v1 "$here/fulcrum" echo --port 7001 --name v1 --quiet
in_ns "$remote" echo-v2 "$here/fulcrum" echo --port 7002 --name v2 --quiet
in_ns "$pod" control-plane "$here/fulcrum" control-plane --config "$work/links.yaml" --xds-port 18000 --admin-port 9901
await_log echo-v1 "listening on port"
await_log echo-v2 "listening on port"
await_log control-plane "serving xDS"
ip netns exec "$pod" "$here/fulcrum" capture install --proxy-uid 65532 --outbound-port 15001 --no-inbound \
  --skip-outbound-cidrs 10.214.0.2/32
in_ns "$pod" proxy setpriv --reuid=65532 --regid=65532 --clear-groups \
  java @"$here/proxy.jvm" -cp "$cp_entries" dev.fulcrum.tools.Fulcrum proxy --listen-port 15001 \
  --xds-server 127.0.0.1:18000 --captured --admin-port 9990
await_log proxy "proxy listening on"
proxy_pid=$(pgrep -u 65532 -f 'dev.fulcrum.tools.Fulcrum proxy' | head -1)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$proxy_pid/stat"; }
bench() { ip netns exec "$pod" "$here/fulcrum" bench "$@"; }

echo "== closed loop, $concurrency in flight, $rounds interleaved rounds of $duration"
bench --targets "direct=10.214.0.2:7001,opaque=10.214.0.3:7001,balanced=grpc-service.default.svc.cluster.local:50051" \
  --concurrency "$concurrency" --duration "$duration" --rounds "$rounds"

hz=$(getconf CLK_TCK)
seconds=${duration%s}
for mode in opaque balanced; do
  target=$([[ $mode == opaque ]] && echo 10.214.0.3:7001 || echo grpc-service.default.svc.cluster.local:50051)
  before=$(cpu_ticks)
  # Its 2 s of warm-up count: the CPU is read around the whole command.
  out=$(bench --target "$target" --rate "$rate" --duration "$duration" --warmup 2s 2>&1)
  after=$(cpu_ticks)
  per_second=$(echo "$out" | grep -o '[0-9,]* calls/s' | tail -1 | tr -d ', calls/')
  echo "== $mode at $rate calls/s for $duration (+2 s warm-up): proxy CPU $(( (after - before) * 1000 / hz )) ms," \
    "$(awk -v t=$((after - before)) -v hz="$hz" -v c="$per_second" -v s="$seconds" \
      'BEGIN { printf "%.0f", t * 1000 / hz * 1000 / (c * (s + 2)) }') ms per 1,000 calls"
  echo "$out" | tail -2
done
grep -E 'fulcrum_captured_connections_total\{.*(mesh-service|no-link)' <(ip netns exec "$pod" bash -c \
  'exec 3<>/dev/tcp/127.0.0.1/9990; printf "GET /metrics HTTP/1.0\r\n\r\n" >&3; cat <&3') || true
