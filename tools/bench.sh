#!/usr/bin/env bash
# Fulcrum's proxy against a direct call and against HAProxy, in one run on this machine:
#   tools/bench.sh [--duration 30s] [--rounds 3] [--warmup 5s] [--rate 2000] [--streaming 10]
#                  [--phases closed,stream,open,h2load] [--compare NAME=LAUNCHER ...]
#   tools/bench.sh --memory [--nmt] [--rate 1000] [--duration 30s] ['JVM FLAGS' ...]
#   tools/bench.sh --mtls [--duration 30s] [--rounds 3] [--rate 1000] [--authz]   mTLS against plaintext
#                  between two sidecars: tools/bench-mtls.sh, which says more
#
# It starts an echo server (`fulcrum echo --quiet`), a control plane serving one Link for it (file
# mode), Fulcrum's proxy subscribed to it, and HAProxy (Debian's, installed with apt-get if
# missing; `bind ... proto h2` and `server ... proto h2`), each its own process, then measures the
# same load on the three in interleaved rounds (`fulcrum bench --targets`):
#   closed   unary Echo, 64-byte payload, --concurrency calls in flight (default 16): throughput
#   stream   the same with ServerStream calls of --streaming replies each
#   open     unary at a constant --rate (open loop, timed from the intended start): added latency
#   h2load   h2load (nghttp2-client) sending the same gRPC request, 1 connection, 16 streams
# After each phase it prints the proxy's and HAProxy's peak RSS (VmHWM) so far.
# --compare adds another build's proxy (LAUNCHER: its tools/fulcrum), to see what a change bought
# in the same run; it is measured just before this build's.
#
# --memory starts, for each set of JVM flags given (default: the launcher's own), a fresh proxy,
# times its start (exec to listening, and to its first call answered), warms it for 10 s, then
# loads it with --rate calls/s (default 1000) for --duration and prints its peak RSS under that load.
# --nmt adds Native Memory Tracking to those flags and prints where the proxy's memory went (MiB
# committed, by JVM area) at the end of the load.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
duration=30s rounds=3 warmup=5s rate= streaming=10 phases=closed,stream,open,h2load memory=false nmt=false concurrency=16
flagsets=()
compare=()
[[ ${1:-} == --mtls ]] && exec "$here/bench-mtls.sh" "${@:2}"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --duration) duration=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --warmup) warmup=$2; shift 2 ;;
    --rate) rate=$2; shift 2 ;;
    --streaming) streaming=$2; shift 2 ;;
    --concurrency) concurrency=$2; shift 2 ;;
    --phases) phases=$2; shift 2 ;;
    --memory) memory=true; shift ;;
    --nmt) nmt=true; shift ;;
    --compare) compare+=("$2"); shift 2 ;;
    -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
    -X*|-D*) flagsets+=("$1"); shift ;;
    -*) echo "bench.sh: unknown flag $1" >&2; exit 2 ;;
    *) flagsets+=("$1"); shift ;;
  esac
done

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
await_port() { for _ in $(seq 1000); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return; sleep 0.01; done; echo "nothing on port $1" >&2; exit 1; }
peak_rss() { awk '/VmHWM/ {printf "%.1f MiB", $2 / 1024}' "/proc/$1/status"; }
now_ms() { date +%s%3N; }
logs=$(mktemp -d)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
start() { local name=$1; shift; "$here/fulcrum" "$@" >"$logs/$name.log" 2>&1 & pids+=($!); }

echo "$(date -u '+%F %T') UTC, $(nproc) cores ($(lscpu | sed -n 's/^Model name: *//p')), load average$(uptime | sed 's/.*load average//'); logs in $logs"

echo_port=$(free_port)
start echo echo --port "$echo_port" --name bench --quiet
xds_port=$(free_port)
proxy_port=$(free_port)
cat >"$logs/links.yaml" <<EOF
apiVersion: linkerd.io/v1alpha1
kind: Link
metadata: {name: bench}
spec:
  service: {name: bench, port: $proxy_port}
  target:
    - {name: 127.0.0.1, port: $echo_port}
  strategy: round-robin
EOF
start control-plane control-plane --config "$logs/links.yaml" --xds-port "$xds_port" --xds-address 127.0.0.1 --admin-port 0
await_port "$echo_port"
await_port "$xds_port"

# The proxy as a sidecar runs it, under the launcher's proxy flags unless FULCRUM_JAVA_OPTS says otherwise.
proxy_pid=
start_proxy() {
  local t0; t0=$(now_ms)
  local args=(proxy --listen-port "$proxy_port" --xds-server "127.0.0.1:$xds_port" --service "bench:$proxy_port" --admin-port 0)
  if [[ $# -gt 0 && -n $1 ]]; then FULCRUM_JAVA_OPTS=$1 start proxy "${args[@]}"; else start proxy "${args[@]}"; fi
  proxy_pid=${pids[-1]}
  await_port "$proxy_port"
  local listening; listening=$(( $(now_ms) - t0 ))
  for _ in $(seq 500); do
    "$here/fulcrum" bench --target "127.0.0.1:$proxy_port" --duration 1ms --warmup 0s >/dev/null 2>&1 && break
  done
  echo "proxy (pid $proxy_pid) listening after ${listening} ms, first call answered by $(( $(now_ms) - t0 )) ms (the latter includes a bench JVM's start)"
}
stop_proxy() { kill "$proxy_pid"; wait "$proxy_pid" 2>/dev/null || true; }

if [[ $memory == true ]]; then
  [[ ${#flagsets[@]} -gt 0 ]] || flagsets=("${FULCRUM_JAVA_OPTS:-}")
  for flags in "${flagsets[@]}"; do
    [[ $nmt == true ]] && flags="${flags:-@$here/proxy.jvm} -XX:NativeMemoryTracking=summary"
    echo "== proxy JVM flags: ${flags:-(launcher defaults)}"
    start_proxy "$flags"
    # Warm it (JIT) with a short closed loop, note the peak so far, then start the peak afresh
    # (writing 5 to clear_refs resets VmHWM) for the steady load alone.
    "$here/fulcrum" bench --target "127.0.0.1:$proxy_port" --concurrency 4 --duration 10s --warmup 0s >/dev/null || true
    warm=$(peak_rss "$proxy_pid")
    echo 5 >"/proc/$proxy_pid/clear_refs" 2>/dev/null || warm="$warm (VmHWM not reset)"
    "$here/fulcrum" bench --target "127.0.0.1:$proxy_port" --rate "${rate:-1000}" --duration "$duration" --warmup 5s
    echo "proxy peak RSS $(peak_rss "$proxy_pid") at ${rate:-1000} calls/s (through start and warm-up: $warm); load average$(uptime | sed 's/.*load average//')"
    if [[ $nmt == true ]]; then
      echo "Native Memory Tracking, MiB committed now (RSS now $(awk '/VmRSS/ {printf "%.1f", $2 / 1024}' "/proc/$proxy_pid/status")):"
      jcmd "$proxy_pid" VM.native_memory summary scale=KB \
        | sed -n 's/^-  *\([A-Za-z][A-Za-z ]*\) (reserved=[0-9]*KB, committed=\([0-9]*\)KB.*/\1:\2/p' \
        | awk -F: '$2 >= 512 {printf "  %-28s %7.1f\n", $1, $2 / 1024}'
    fi
    stop_proxy
  done
  exit 0
fi

command -v haproxy >/dev/null || { echo "installing haproxy" >&2; apt-get install -y -qq haproxy >/dev/null || sudo apt-get install -y -qq haproxy >/dev/null; }
haproxy_port=$(free_port)
cat >"$logs/haproxy.cfg" <<EOF
global
  maxconn 4096
defaults
  mode http
  timeout connect 5s
  timeout client 60s
  timeout server 60s
frontend grpc
  bind 127.0.0.1:$haproxy_port proto h2
  default_backend echo
backend echo
  server echo 127.0.0.1:$echo_port proto h2
EOF
haproxy -f "$logs/haproxy.cfg" -db >"$logs/haproxy.log" 2>&1 & pids+=($!)
haproxy_pid=$!
start_proxy
await_port "$haproxy_port"

targets="direct=127.0.0.1:$echo_port,haproxy=127.0.0.1:$haproxy_port"
rss_of=("haproxy=$haproxy_pid")
for c in "${compare[@]}"; do
  name=${c%%=*} port=$(free_port)
  "${c#*=}" proxy --listen-port "$port" --xds-server "127.0.0.1:$xds_port" --service "bench:$proxy_port" --admin-port 0 \
    >"$logs/proxy-$name.log" 2>&1 & pids+=($!)
  rss_of+=("$name=$!")
  await_port "$port"
  targets+=",$name=127.0.0.1:$port"
done
targets+=",fulcrum=127.0.0.1:$proxy_port"
report() {
  local others="" r
  for r in "${rss_of[@]}"; do others+=", ${r%%=*} $(peak_rss "${r#*=}")"; done
  echo "peak RSS so far: fulcrum $(peak_rss "$proxy_pid")$others; load average$(uptime | sed 's/.*load average//')"
  echo
}
bench() { "$here/fulcrum" bench --targets "$targets" --duration "$duration" --rounds "$rounds" --warmup "$warmup" "$@" || true; }

for phase in ${phases//,/ }; do
  case "$phase" in
    closed) echo "== unary, closed loop, $concurrency in flight"; bench --concurrency "$concurrency" ;;
    stream) echo "== server streams of $streaming replies, closed loop, $concurrency in flight"
            bench --concurrency "$concurrency" --streaming "$streaming" ;;
    open) echo "== unary, open loop, ${rate:-2000} calls/s"; bench --rate "${rate:-2000}" ;;
    h2load)
      command -v h2load >/dev/null || { echo "installing nghttp2-client" >&2; apt-get install -y -qq nghttp2-client >/dev/null || sudo apt-get install -y -qq nghttp2-client >/dev/null; }
      # The gRPC request as h2load sends it: a 5-byte prefix (not compressed, 4-byte big-endian
      # length), then EchoRequest{message: "bench" (field 1), payload: 64 zero bytes (field 2)}.
      python3 -c 'import struct,sys; m=b"\x0a\x05bench"+b"\x12\x40"+bytes(64); sys.stdout.buffer.write(b"\0"+struct.pack(">I",len(m))+m)' >"$logs/echo-request.bin"
      seconds=${duration%s}; seconds=$(( seconds / rounds )); seconds=$(( seconds > 0 ? seconds : 1 ))
      echo "== h2load: unary Echo, 1 connection, $concurrency streams, ${seconds}s per round"
      for round in $(seq "$rounds"); do
        for t in ${targets//,/ }; do
          name=${t%%=*}; address=${t#*=}
          out=$(h2load -c 1 -m "$concurrency" -D "$seconds" --warm-up-time 2 -d "$logs/echo-request.bin" \
            -H 'content-type: application/grpc' -H 'te: trailers' "http://$address/fulcrum.echo.v1.EchoService/Echo" 2>&1) || true
          printf 'round %d  %-9s %s; %s\n' "$round" "$name" \
            "$(grep -o 'finished in.*req/s' <<<"$out" | sed 's/finished in [^,]*, //')" \
            "$(grep -E '^time for request:' <<<"$out" | awk '{print "mean " $6 ", max " $5 ", sd " $7}'); $(grep -o '[0-9]* succeeded, [0-9]* failed' <<<"$out")"
        done
      done ;;
    *) echo "bench.sh: unknown phase $phase" >&2; exit 2 ;;
  esac
  report
done
