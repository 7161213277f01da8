#!/usr/bin/env bash
# Foundation benchmarks against a release build on SQLite (or PostgreSQL with DATABASE_URL set):
# start-up time, idle RSS, and login / authenticated list under load with wrk (loopback only,
# bounded duration). Usage: bench/server-foundation.sh [duration_seconds]
set -euo pipefail
cd "$(dirname "$0")/.."
duration="${1:-15}"
bin=target/release/patchmon-server
[ -x "$bin" ] || cargo build --release -p patchmon-server
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 1; }

# shellcheck source=bench/lib.sh
. bench/lib.sh
export AUTH_RATE_LIMIT_MAX=100000000 RATE_LIMIT_MAX=100000000
start_server "$bin"
echo "startup_ms $startup_ms"

token=$(admin_token bench 'Bench-Passw0rd!')
for i in $(seq 1 100); do
  curl -sf -X POST "$base/api/v1/hosts/create" -H "authorization: Bearer $token" \
    -H 'content-type: application/json' -d "{\"friendly_name\":\"bench-$i\"}" >/dev/null
done
sleep 3
echo "idle_rss_kb $(awk '/VmRSS/ {print $2}' /proc/$pid/status)"

cat >"$data/login.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"username":"bench","password":"Bench-Passw0rd!"}'
LUA
echo "== login (POST /api/v1/auth/login), 8 connections"
wrk -t2 -c8 -d"${duration}s" --latency -s "$data/login.lua" "$base/api/v1/auth/login" | grep -E 'Latency|50%|99%|Requests/sec|Non-2xx'
echo "== authenticated list (GET /api/v1/hosts/admin/list, 100 hosts), 32 connections"
wrk -t2 -c32 -d"${duration}s" --latency -H "Authorization: Bearer $token" "$base/api/v1/hosts/admin/list" | grep -E 'Latency|50%|99%|Requests/sec|Non-2xx'
echo "rss_after_load_kb $(awk '/VmRSS/ {print $2}' /proc/$pid/status)"
