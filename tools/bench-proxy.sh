#!/usr/bin/env bash
# Direct vs through the proxy, in one run: starts an echo server and a proxy (quick form, so with
# its embedded control plane) as separate processes, then runs the load generator against both in
# interleaved rounds and prints the ratio. Extra flags go to `fulcrum bench`, e.g. --concurrency 1.
#   tools/bench-proxy.sh [--duration 30s] [--concurrency 16] [--payload 64]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
echo_port=$(free_port)
proxy_port=$(free_port)
logs=$(mktemp -d)
"$here/fulcrum" echo --port "$echo_port" --name bench --quiet >"$logs/echo.log" 2>&1 &
echo_pid=$!
"$here/fulcrum" proxy --listen-port "$proxy_port" --target-ports "$echo_port" >"$logs/proxy.log" 2>&1 &
proxy_pid=$!
trap 'kill $echo_pid $proxy_pid 2>/dev/null; wait 2>/dev/null' EXIT
for port in "$echo_port" "$proxy_port"; do
  for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
done
echo "echo server :$echo_port (baseline), proxy :$proxy_port (target); logs in $logs"
"$here/fulcrum" bench --target "127.0.0.1:$proxy_port" --baseline "127.0.0.1:$echo_port" "$@"
