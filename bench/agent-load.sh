#!/usr/bin/env bash
# Simulated agents against a release build: host creation, full-report bursts, hash-gated
# check-ins, steady changed reports and (optionally) thousands of open WebSockets, on SQLite or,
# with DATABASE_URL set, on PostgreSQL. Prints each phase's latency percentiles and the server's
# RSS with every WebSocket open.
#
# Usage: bench/agent-load.sh [seconds]
#   HOSTS (1000), PACKAGES (2000), REPORT_RATE (20 per second), WEBSOCKETS (0 = skip)
#   DATABASE_URL  a PostgreSQL URL (a fresh database is best; the run adds hosts to it)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-15}"
bin="${PATCHMON_SERVER_BIN:-target/release/patchmon-server}"
[ -x "$bin" ] || cargo build --release -p patchmon-server
cargo build --release -q -p patchmon-agent-load
# Every simulated agent and every WebSocket is a socket on each side.
ulimit -n 65536

data=$(mktemp -d)
port=$(( 20000 + RANDOM % 20000 ))
base="http://127.0.0.1:$port"
export DATA_DIR="$data" PORT="$port" LOG_LEVEL=warn
export AUTH_RATE_LIMIT_MAX=100000000 RATE_LIMIT_MAX=100000000 AGENT_RATE_LIMIT_MAX=100000000
"$bin" >"$data/server.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$data"' EXIT
until curl -sf "$base/health" >/dev/null; do sleep 0.05; done
echo "backend: ${DATABASE_URL:+postgresql}${DATABASE_URL:-sqlite}" | sed -E 's#postgres(ql)?://[^ ]*#postgresql#'

curl -sf -X POST "$base/api/v1/auth/setup-admin" -H 'content-type: application/json' \
  -d '{"firstName":"B","lastName":"M","username":"bench","email":"bench@example.com","password":"Bench-Passw0rd!"}' >/dev/null
token=$(curl -sf -X POST "$base/api/v1/auth/login" -H 'content-type: application/json' \
  -d '{"username":"bench","password":"Bench-Passw0rd!"}' | sed -E 's/.*"token":"([^"]+)".*/\1/')

rss() { awk '/VmRSS/ {print $2}' "/proc/$pid/status"; }
echo "server_rss_kb_idle $(rss)"
PATCHMON_TOKEN="$token" target/release/patchmon-agent-load --server "$base" \
  --hosts "${HOSTS:-1000}" --packages "${PACKAGES:-2000}" --seconds "$seconds" \
  --report-rate "${REPORT_RATE:-20}" --websockets "${WEBSOCKETS:-0}" |
  while IFS= read -r line; do
    echo "$line"
    # Sampled while every WebSocket is held open.
    case "$line" in websockets_open*) sleep "$(( seconds / 2 ))"; echo "server_rss_kb_websockets $(rss)" ;; esac
  done
echo "server_rss_kb_end $(rss)"
if grep -qiE 'deadlock|panicked' "$data/server.log"; then
  echo "the server logged deadlocks or panics:" >&2
  grep -iE 'deadlock|panicked' "$data/server.log" | head >&2
  exit 1
fi
