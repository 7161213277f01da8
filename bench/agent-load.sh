#!/usr/bin/env bash
# Simulated agents against a release build, on SQLite or, with DATABASE_URL set, on PostgreSQL:
# enrolment (every host's first full report), the steady state (every host checking in on its
# interval while changed full reports arrive at a fixed rate), a burst (every host reporting at
# once) and, optionally, thousands of open WebSockets. Prints each phase's latency percentiles
# and the server's RSS.
#
# Usage: bench/agent-load.sh [seconds]
#   HOSTS (1000), PACKAGES (2000), ENROL_IN_FLIGHT (32), CHECKIN_EVERY (10 s),
#   REPORT_RATE (20 per second), WEBSOCKETS (0 = skip)
#   DATABASE_URL  a PostgreSQL URL (a fresh database is best; the run adds hosts to it)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-15}"
bin="${PATCHMON_SERVER_BIN:-target/release/patchmon-server}"
# Built together so both see the same features (building the generator alone recompiles it).
cargo build --release -q -p patchmon-server -p patchmon-agent-load
# Every simulated agent and every WebSocket is a socket on each side: raise the soft limit to
# the hard one (10,000 WebSockets need about 10,000 descriptors per process).
ulimit -n "$(ulimit -Hn)"

# shellcheck source=bench/lib.sh
. bench/lib.sh
export AUTH_RATE_LIMIT_MAX=100000000 RATE_LIMIT_MAX=100000000 AGENT_RATE_LIMIT_MAX=100000000
start_server "$bin"
if [ -n "${DATABASE_URL:-}" ]; then echo "backend: postgresql"; else echo "backend: sqlite"; fi

token=$(admin_token bench 'Bench-Passw0rd!')

rss() { awk '/VmRSS/ {print $2}' "/proc/$pid/status"; }
echo "server_rss_kb_idle $(rss)"
PATCHMON_TOKEN="$token" target/release/patchmon-agent-load --server "$base" \
  --hosts "${HOSTS:-1000}" --packages "${PACKAGES:-2000}" --seconds "$seconds" \
  --enrol-in-flight "${ENROL_IN_FLIGHT:-32}" --checkin-every "${CHECKIN_EVERY:-10}" \
  --report-rate "${REPORT_RATE:-20}" --websockets "${WEBSOCKETS:-0}" |
  while IFS= read -r line; do
    echo "$line"
    # Sampled while every WebSocket is held open.
    case "$line" in websockets_open*) sleep "$(( seconds / 2 ))"; echo "server_rss_kb_websockets $(rss)" ;; esac
  done
echo "server_rss_kb_end $(rss)"
if grep -q ERROR "$data/server.log"; then
  echo "server errors (most frequent first):"
  sed 's/\x1b\[[0-9;]*m//g' "$data/server.log" | grep ERROR | sed -E 's/^[^ ]+ +//' | sort | uniq -c | sort -rn | head -5 || true  # head closes the pipe early
fi
if grep -qiE 'deadlock|panicked' "$data/server.log"; then
  echo "the server logged deadlocks or panics:" >&2
  grep -iE 'deadlock|panicked' "$data/server.log" | head >&2
  exit 1
fi
