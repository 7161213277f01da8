#!/usr/bin/env bash
# Builds web/ into web/dist (embedded into the server binary at compile time).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f web/package.json ]; then
    exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
    echo "npm not found: the server will run without the web dashboard (API only)." >&2
    exit 0
fi
cd web
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    npm ci --no-audit --no-fund
fi
npm run build
