#!/usr/bin/env bash
# Runs the dashboard's end-to-end browser tests against a real patchmon-server.
#   PATCHMON_SERVER_BIN  server binary (default: $CARGO_TARGET_DIR or target/, then debug/patchmon-server)
#   CHROMIUM_PATH        browser (default: /usr/bin/chromium)
# Starts the server on a free port with a fresh data dir, runs every tests/*.test.mjs in order,
# then the dashboard time-to-interactive check, and exits non-zero if anything failed.
# Arguments, if any, replace the list of test files (later files rely on 01-first-run's admin):
#   ./run.sh tests/01-first-run.test.mjs tests/04-hosts.test.mjs
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$here/../.." && pwd)"
server_bin="${PATCHMON_SERVER_BIN:-${CARGO_TARGET_DIR:-$repo_root/target}/debug/patchmon-server}"
case "$server_bin" in /*) ;; *) server_bin="$repo_root/$server_bin" ;; esac

if [[ ! -x "$server_bin" ]]; then
  echo "server binary not found or not executable: $server_bin (set PATCHMON_SERVER_BIN)" >&2
  exit 2
fi
if [[ ! -d "$here/node_modules/playwright-core" ]]; then
  echo "run 'npm ci' in $here first" >&2
  exit 2
fi

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

data_dir="$(mktemp -d -t patchmon-e2e.XXXXXX)"
port="$(free_port)"
server_log="$data_dir/server.log"
server_pid=""

stop_server() {
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid"
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$data_dir"
}
trap stop_server EXIT

# Values the settings tests expect to see as environment-provided (read-only, "env" badge).
export E2E_ENV_SERVER_HOST="e2e.example.com"
export E2E_ENV_PASSWORD_MIN_LENGTH="10"

DATA_DIR="$data_dir" PORT="$port" \
  SERVER_HOST="$E2E_ENV_SERVER_HOST" PASSWORD_MIN_LENGTH="$E2E_ENV_PASSWORD_MIN_LENGTH" \
  "$server_bin" >"$server_log" 2>&1 &
server_pid=$!

base_url="http://127.0.0.1:$port"
for _ in $(seq 1 100); do
  if curl -fsS "$base_url/health" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "server exited during startup:" >&2
    cat "$server_log" >&2
    exit 2
  fi
  sleep 0.2
done
curl -fsS "$base_url/health" >/dev/null || { echo "server did not become healthy" >&2; cat "$server_log" >&2; exit 2; }
echo "server $server_bin on $base_url (data dir $data_dir)"

mkdir -p "$here/artifacts"
export PATCHMON_URL="$base_url"
status=0
if [[ $# -gt 0 ]]; then test_files=("$@"); else test_files=(tests/*.test.mjs); fi
(cd "$here" && node --test --test-concurrency=1 --test-reporter=spec "${test_files[@]}") || status=$?
(cd "$here" && node perf/time-to-interactive.mjs) || status=$?

if [[ $status -ne 0 ]]; then
  echo "--- server log (last 60 lines) ---"
  tail -n 60 "$server_log"
  echo "e2e: FAILED (screenshots in tests/e2e/artifacts/)"
else
  echo "e2e: all passed (screenshots in tests/e2e/artifacts/)"
fi
exit $status
