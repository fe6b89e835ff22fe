#!/usr/bin/env bash
# Measures, in one run, with every part in its own process:
#   tools/bench-proxy.sh [bench flags]                    direct (baseline) vs through the proxy (target)
#   tools/bench-proxy.sh --telemetry-cost [bench flags]   proxy with --no-metrics (baseline) vs with metrics (target)
#   tools/bench-proxy.sh --tracing-cost [bench flags]     the same, the target also tracing every call to a local
#                                                         OTLP/HTTP sink (a few lines of Python that accept and drop)
# It starts an echo server and proxies in their quick form (each with its embedded control plane
# serving a Link for the echo server over real ADS), then runs `fulcrum bench` against both in
# interleaved rounds and prints the ratio. Bench flags, e.g.: --duration 30s --concurrency 1.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
mode=proxy
case "${1:-}" in
  --telemetry-cost) mode=telemetry; shift ;;
  --tracing-cost) mode=tracing; shift ;;
esac
# shellcheck source=bench-processes.sh
source "$here/bench-processes.sh"

echo_port=$(free_port)
start echo echo --port "$echo_port" --name bench --quiet
proxy_port=$(free_port)
tracing=()
if [[ $mode == tracing ]]; then
  sink_port=$(free_port)
  python3 - "$sink_port" >"$logs/otlp-sink.log" 2>&1 <<'PY' &
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
class Sink(BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", "0")
        self.end_headers()
    def log_message(self, *args):
        pass
ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Sink).serve_forever()
PY
  pids+=($!)
  tracing=(--otlp-endpoint "http://127.0.0.1:$sink_port/v1/traces")
fi
start proxy proxy --listen-port "$proxy_port" --target-ports "$echo_port" --admin-port 0 "${tracing[@]}"
if [[ $mode == telemetry || $mode == tracing ]]; then
  bare_port=$(free_port)
  start bare-proxy proxy --listen-port "$bare_port" --target-ports "$echo_port" --admin-port 0 --no-metrics
  baseline=$bare_port
  echo "baseline: proxy without metrics :$bare_port; target: proxy with metrics${tracing:+ and tracing} :$proxy_port; logs in $logs"
else
  baseline=$echo_port
  echo "baseline: echo server :$echo_port; target: proxy :$proxy_port; logs in $logs"
fi
for port in "$echo_port" "$proxy_port" "$baseline"; do await_port "$port"; done
"$here/fulcrum" bench --target "127.0.0.1:$proxy_port" --baseline "127.0.0.1:$baseline" "$@"
