#!/usr/bin/env bash
# The proxy's image as a pod runs it: the time from `docker run` to "proxy listening", and the
# container's peak RSS under load, for each JAVA_TOOL_OPTIONS given (default: the image as built):
#   tools/bench-image.sh [--starts 2] [--rate 1000] [--duration 20s] [-- '' '-Xshare:off' ...]
#
# Needs a Docker engine and the images (deploy/build-images.sh). An echo server, a control plane
# (file mode, one Link) and the proxy run as containers on one network; the load comes from the
# host (`fulcrum bench`, so build first: mvn -q -DskipTests package) through the proxy's
# published port. Each start: warm for 10 s at 4 calls in flight, reset the peak (VmHWM of the
# container's java, read from the host), then --rate calls/s for --duration.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
starts=2 rate=1000 duration=20s
options=()
while [[ $# -gt 0 ]]; do
  case $1 in
    --starts) starts=$2; shift 2 ;;
    --rate) rate=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    --) shift; options+=("$@"); break ;;
    -*) echo "bench-image.sh: unknown flag $1" >&2; exit 2 ;;
    *) echo "bench-image.sh: JAVA_TOOL_OPTIONS go after --" >&2; exit 2 ;;
  esac
done
[[ ${#options[@]} -gt 0 ]] || options=("")
image=fulcrum/proxy:0.1.0
docker image inspect "$image" fulcrum/control-plane:0.1.0 >/dev/null \
  || { echo "bench-image.sh: build the images first: deploy/build-images.sh" >&2; exit 1; }

run=fb-$$
logs=$(mktemp -d)
cleanup() {
  docker rm -f "$run-echo" "$run-cp" "$run-proxy" >/dev/null 2>&1 || true
  docker network rm "$run" >/dev/null 2>&1 || true
}
trap cleanup EXIT
now_ms() { date +%s%3N; }
# Waits (up to 60 s) for the container's log to show the line.
await_log() {
  for _ in $(seq 3000); do
    docker logs "$1" 2>&1 | grep -q "$2" && return
    sleep 0.02
  done
  echo "bench-image.sh: $1 never logged '$2'" >&2
  docker logs "$1" >&2
  exit 1
}
peak_rss() { awk '/VmHWM/ {printf "%.1f MiB", $2 / 1024}' "/proc/$1/status"; }

docker network create "$run" >/dev/null
cat >"$logs/links.yaml" <<EOF
apiVersion: linkerd.io/v1alpha1
kind: Link
metadata: {name: bench}
spec:
  service: {name: bench, port: 50051}
  target:
    - {name: $run-echo, port: 7001}
  strategy: round-robin
EOF
chmod -R a+rX "$logs"
docker run -d --name "$run-echo" --network "$run" "$image" echo --port 7001 --name bench --quiet >/dev/null
docker run -d --name "$run-cp" --network "$run" -v "$logs:/etc/fulcrum:ro" fulcrum/control-plane:0.1.0 \
  control-plane --config /etc/fulcrum/links.yaml --xds-port 18000 >/dev/null
await_log "$run-echo" "listening on port"
await_log "$run-cp" "control plane serving xDS"
echo "$(date -u '+%F %T') UTC, $(nproc) cores, load average$(uptime | sed 's/.*load average//')"

for opts in "${options[@]}"; do
  for start in $(seq "$starts"); do
    t0=$(now_ms)
    docker run -d --name "$run-proxy" --network "$run" -p 127.0.0.1::15001 -e "JAVA_TOOL_OPTIONS=$opts" "$image" \
      proxy --listen-address 0.0.0.0 --listen-port 15001 --xds-server "$run-cp:18000" --service bench:50051 >/dev/null
    await_log "$run-proxy" "proxy listening on"
    listening=$(( $(now_ms) - t0 ))
    port=$(docker port "$run-proxy" 15001 | head -1 | sed 's/.*://')
    pid=$(docker inspect -f '{{.State.Pid}}' "$run-proxy")
    "$here/fulcrum" bench --target "127.0.0.1:$port" --concurrency 4 --duration 10s --warmup 0s >/dev/null
    warm=$(peak_rss "$pid")
    echo 5 >"/proc/$pid/clear_refs"
    result=$("$here/fulcrum" bench --target "127.0.0.1:$port" --rate "$rate" --duration "$duration" --warmup 5s | tail -1)
    echo "JAVA_TOOL_OPTIONS='$opts' start $start: listening ${listening} ms after docker run;" \
      "peak RSS $(peak_rss "$pid") at $rate calls/s (through start and warm-up: $warm)"
    echo "  $result"
    docker rm -f "$run-proxy" >/dev/null
  done
done
