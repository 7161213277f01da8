# shellcheck shell=bash
# Shared by the bench scripts (sourced): a release server on a free port with a fresh data
# directory, and its first admin.

# start_server BIN: starts BIN and waits until it is healthy. Sets data, port, base, pid and
# startup_ms; the server is stopped and its data removed when the script exits. Extra settings
# come from the environment the caller exported.
start_server() {
  data=$(mktemp -d)
  port=$(( 20000 + RANDOM % 20000 ))
  base="http://127.0.0.1:$port"
  export DATA_DIR="$data" PORT="$port" LOG_LEVEL=warn
  local start_ns
  start_ns=$(date +%s%N)
  "$1" >"$data/server.log" 2>&1 &
  pid=$!
  trap 'kill $pid 2>/dev/null; rm -rf "$data"' EXIT
  until curl -sf "$base/health" >/dev/null; do sleep 0.005; done
  # shellcheck disable=SC2034 # read by the scripts that source this file
  startup_ms=$(( ($(date +%s%N) - start_ns) / 1000000 ))
}

# admin_token USERNAME PASSWORD: creates the first admin and prints a bearer token for it.
admin_token() {
  curl -sf -X POST "$base/api/v1/auth/setup-admin" -H 'content-type: application/json' \
    -d "{\"firstName\":\"Bench\",\"lastName\":\"Admin\",\"username\":\"$1\",\"email\":\"$1@example.com\",\"password\":\"$2\"}" >/dev/null
  curl -sf -X POST "$base/api/v1/auth/login" -H 'content-type: application/json' \
    -d "{\"username\":\"$1\",\"password\":\"$2\"}" | sed -E 's/.*"token":"([^"]+)".*/\1/'
}
