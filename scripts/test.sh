#!/usr/bin/env bash
# Runs the whole test suite. PostgreSQL and Redis tests run when both are reachable (CI makes
# sure they are and sets PATCHMON_TEST_REQUIRE_POSTGRES=1 so their absence is a failure).
set -euo pipefail
cd "$(dirname "$0")/.."

reachable() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

if [ -f web/package.json ] && command -v npm >/dev/null 2>&1; then
    scripts/build-web.sh
    (cd web && npm run typecheck && npm test)
fi

# The WebAssembly components the runtime and conformance tests load.
scripts/build-plugins.sh

export PATCHMON_TEST_POSTGRES_URL="${PATCHMON_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
export PATCHMON_TEST_REDIS_URL="${PATCHMON_TEST_REDIS_URL:-redis://127.0.0.1:6379}"

skip=()
if reachable 127.0.0.1 5432 && reachable 127.0.0.1 6379; then
    echo "== PostgreSQL and Redis reachable: running the suite on SQLite and on PostgreSQL + Redis"
    # Schemas left behind by earlier interrupted runs.
    if command -v psql >/dev/null 2>&1; then
        psql "$PATCHMON_TEST_POSTGRES_URL" -qAt -c "SELECT 'DROP SCHEMA ' || nspname || ' CASCADE;' FROM pg_namespace WHERE nspname LIKE 'test\_%'" \
            | psql "$PATCHMON_TEST_POSTGRES_URL" -q >/dev/null 2>&1 || true
    fi
elif [ "${PATCHMON_TEST_REQUIRE_POSTGRES:-0}" = "1" ]; then
    echo "PostgreSQL (127.0.0.1:5432) or Redis (127.0.0.1:6379) is not reachable" >&2
    exit 1
else
    echo "== WARNING: PostgreSQL or Redis not reachable; the ::postgres tests are NOT run." >&2
    echo "==          Start both (see README) to run the full suite." >&2
    skip=(-- --skip ::postgres)
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT
e2e_status=0
set +e
cargo test --workspace "${skip[@]}" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
# One closing line for the whole Rust suite, summed over every test binary.
# The dashboard in a real browser, against the server binary cargo just built.
if [ "$status" -eq 0 ] && [ -f tests/e2e/package.json ]; then
    if command -v chromium >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
        set +e
        (cd tests/e2e && { [ -d node_modules ] || npm ci --no-audit --no-fund; } && ./run.sh) 2>&1 | tee -a "$log"
        e2e_status=${PIPESTATUS[0]}
        set -e
    elif [ "${PATCHMON_TEST_REQUIRE_POSTGRES:-0}" = "1" ]; then
        echo "chromium is required for the browser tests" >&2
        e2e_status=1
    else
        echo "== WARNING: chromium not installed; the browser tests are NOT run (apt-get install chromium)." >&2
    fi
fi

awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($i ~ /^passed;?$/) p += $(i-1); if ($i ~ /^failed;?$/) f += $(i-1) } }
     END { printf "%d passed, %d failed\n", p, f }' "$log"
[ "$status" -eq 0 ] || exit "$status"
exit "$e2e_status"
