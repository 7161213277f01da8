#!/usr/bin/env bash
# A 10,000-host fleet on SQLite: seeds hosts, packages and repositories straight into the
# database of a running server, then measures with wrk the integration endpoints (scoped API
# `GET /api/v1/api/hosts?include=stats`, gethomepage stats, Prometheus metrics; HTTP Basic) and
# the dashboard's time-to-interactive in headless Chromium.
#
# Usage: bench/fleet-10k.sh [duration_seconds]
#   PATCHMON_SERVER_BIN  server binary (default target/release/patchmon-server, built if missing)
#   HOSTS, PACKAGES_PER_HOST  fleet size (default 10000 and 40)
set -euo pipefail
cd "$(dirname "$0")/.."
duration="${1:-15}"
hosts="${HOSTS:-10000}"
per_host="${PACKAGES_PER_HOST:-40}"
bin="${PATCHMON_SERVER_BIN:-target/release/patchmon-server}"
[ -x "$bin" ] || cargo build --release -p patchmon-server
for tool in wrk sqlite3 chromium; do
  command -v "$tool" >/dev/null || { echo "$tool is needed: apt-get install $tool" >&2; exit 1; }
done
[ -d tests/e2e/node_modules/playwright-core ] || (cd tests/e2e && npm ci --no-audit --no-fund)

# shellcheck source=bench/lib.sh
. bench/lib.sh
export AUTH_RATE_LIMIT_MAX=100000000 RATE_LIMIT_MAX=100000000 PASSWORD_MIN_LENGTH=10
start_server "$bin"

# The e2e admin account, which the time-to-interactive script signs in with.
token=$(admin_token e2e-admin 'Adm1n!e2e-Passw0rd')
# Prints `Basic <base64 key:secret>` for a new credential of type $1 (scopes in $2, if any).
basic_for() {
  local created
  created=$(curl -sf -X POST "$base/api/v1/auto-enrollment/tokens" -H "authorization: Bearer $token" \
    -H 'content-type: application/json' \
    -d "{\"token_name\":\"bench-$1\",\"metadata\":{\"integration_type\":\"$1\"}${2:+,\"scopes\":$2}}")
  printf 'Basic %s' "$(printf '%s:%s' \
    "$(echo "$created" | sed -E 's/.*"token_key":"([^"]+)".*/\1/')" \
    "$(echo "$created" | sed -E 's/.*"token_secret":"([^"]+)".*/\1/')" | base64 -w0)"
}
api_basic=$(basic_for api '{"host":["get"]}')
widget_basic=$(basic_for gethomepage)
scraper_basic=$(basic_for prometheus)

# Timestamps in the format the server itself writes.
db="$data/patchmon.db"
now=$(sqlite3 "$db" "SELECT created_at FROM users LIMIT 1")
seed_start=$(date +%s%N)
sqlite3 "$db" >/dev/null <<SQL
PRAGMA busy_timeout = 10000;
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $hosts)
INSERT INTO hosts (id, machine_id, friendly_name, hostname, ip, os_type, os_version, architecture, status,
  last_update, api_id, api_key_hash, created_at, updated_at)
SELECT printf('00000000-0000-4000-8000-%012d', i), 'machine-' || i, 'host-' || i, 'host-' || i || '.lab',
  '10.' || (i / 65536) || '.' || (i / 256 % 256) || '.' || (i % 256),
  CASE i % 4 WHEN 0 THEN 'Ubuntu' WHEN 1 THEN 'Debian' WHEN 2 THEN 'Rocky Linux' ELSE 'Alpine' END,
  CASE i % 4 WHEN 0 THEN '24.04' WHEN 1 THEN '12' WHEN 2 THEN '9.4' ELSE '3.20' END,
  'x86_64', 'active', '$now', 'bench_' || i, 'unused', '$now', '$now'
FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 500)
INSERT INTO packages (id, name, latest_version, created_at, updated_at)
SELECT 'pkg-' || i, 'package-' || i, '2.0.' || i, '$now', '$now' FROM n;
WITH RECURSIVE p(j) AS (SELECT 1 UNION ALL SELECT j + 1 FROM p WHERE j < $per_host)
INSERT INTO host_packages (id, host_id, package_id, current_version, available_version, needs_update,
  is_security_update, last_checked)
SELECT h.id || '-' || p.j, h.id, 'pkg-' || ((h.rowid * 7 + p.j * 13) % 500 + 1), '1.0',
  CASE WHEN p.j % 8 = 0 THEN '2.0' END, p.j % 8 = 0, p.j % 32 = 0, '$now'
FROM hosts h, p;
-- The totals the report writer keeps on each host row (migration 0006).
UPDATE hosts SET
  package_count = (SELECT COUNT(*) FROM host_packages hp WHERE hp.host_id = hosts.id),
  outdated_count = (SELECT COUNT(*) FROM host_packages hp WHERE hp.host_id = hosts.id AND hp.needs_update),
  security_count = (SELECT COUNT(*) FROM host_packages hp
                    WHERE hp.host_id = hosts.id AND hp.needs_update AND hp.is_security_update);
INSERT INTO repositories (id, name, url, distribution, components, repo_type, created_at, updated_at)
VALUES ('repo-1', 'main', 'http://deb.debian.org/debian', 'bookworm', 'main', 'deb', '$now', '$now');
INSERT INTO host_repositories (id, host_id, repository_id, last_checked)
SELECT h.id || '-r', h.id, 'repo-1', '$now' FROM hosts h;
COMMIT;
SQL
echo "seeded $hosts hosts x $per_host packages in $(( ($(date +%s%N) - seed_start) / 1000000 )) ms"

measure() {
  local label=$1 auth=$2 path=$3
  local bytes
  bytes=$(curl -sf -H "authorization: $auth" "$base$path" | wc -c)
  echo "== $label: GET $path ($hosts hosts, $bytes bytes), 4 connections"
  wrk -t2 -c4 -d"${duration}s" --latency -H "Authorization: $auth" "$base$path" \
    | grep -E 'Latency|50%|99%|Requests/sec|Non-2xx'
}
measure "scoped API with stats" "$api_basic" "/api/v1/api/hosts?include=stats"
measure "scoped API" "$api_basic" "/api/v1/api/hosts"
measure "gethomepage stats" "$widget_basic" "/api/v1/gethomepage/stats"
measure "Prometheus metrics" "$scraper_basic" "/api/v1/metrics"
echo "== dashboard time-to-interactive"
(cd tests/e2e && PATCHMON_URL="$base" E2E_TTI_BUDGET_MS=1000 node perf/time-to-interactive.mjs)
echo "rss_kb $(awk '/VmRSS/ {print $2}' /proc/$pid/status)"
