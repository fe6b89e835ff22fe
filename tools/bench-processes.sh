# Sourced by the benchmark scripts that start Fulcrum's commands as processes of their own:
# free ports, waiting for a port, and starting `fulcrum COMMAND ...` with its log in $logs, every
# process stopped when the script exits. Needs $here (the tools directory).
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# await_port PORT [SECONDS]: until something listens on PORT (20 s unless told), else exit 1.
await_port() {
  for _ in $(seq $((${2:-20} * 10))); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return; sleep 0.1; done
  echo "nothing on port $1" >&2; exit 1
}
logs=$(mktemp -d)
pids=()
trap 'kill "${pids[@]}" 2>/dev/null; wait 2>/dev/null' EXIT
start() { local name=$1; shift; "$here/fulcrum" "$@" >"$logs/$name.log" 2>&1 & pids+=($!); }
