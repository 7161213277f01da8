#!/bin/sh
# PatchMon-RS: enroll the machine this runs on and install the agent.
#
# The server fills in PATCHMON_URL and the enrollment credential when it serves this script
# (GET /api/v1/auto-enrollment/script?type=direct-host). Knobs, from the environment:
#   DRY_RUN=true        show what would be enrolled and change nothing
#   HOST_PREFIX=prod-   prefix for the name this machine gets in PatchMon
#   FORCE_INSTALL=true  install the agent even where the package manager is in a broken state
#   CURL_FLAGS=-sk      accept a self-signed server certificate
# Needs root and curl. Safe to rerun: a configured agent that answers `patchmon-agent ping`
# ends the script, and the server recognises this machine by its machine id.

set -u

PATCHMON_URL="${PATCHMON_URL:-}"
AUTO_ENROLLMENT_KEY="${AUTO_ENROLLMENT_KEY:-}"
AUTO_ENROLLMENT_SECRET="${AUTO_ENROLLMENT_SECRET:-}"
CURL_FLAGS="${CURL_FLAGS:--s}"
DRY_RUN="${DRY_RUN:-false}"
HOST_PREFIX="${HOST_PREFIX:-}"
FORCE_INSTALL="${FORCE_INSTALL:-false}"

info() { printf '[INFO] %s\n' "$*"; }
error() { printf '[ERROR] %s\n' "$*"; }

if [ -z "$PATCHMON_URL" ] || [ -z "$AUTO_ENROLLMENT_KEY" ] || [ -z "$AUTO_ENROLLMENT_SECRET" ]; then
    error "PATCHMON_URL, AUTO_ENROLLMENT_KEY and AUTO_ENROLLMENT_SECRET must be set"
    exit 1
fi
if ! command -v curl >/dev/null 2>&1; then
    error "Required command 'curl' not found. Please install it first."
    exit 1
fi
PATCHMON_URL="${PATCHMON_URL%/}"

if [ -f /etc/patchmon/config.yml ] && [ -f /etc/patchmon/credentials.yml ] &&
    patchmon-agent ping >/dev/null 2>&1; then
    info "Host already enrolled and agent ping successful - nothing to do"
    exit 0
fi

host_name="$(hostname 2>/dev/null || uname -n)"
machine_id="$(cat /etc/machine-id 2>/dev/null || cat /var/lib/dbus/machine-id 2>/dev/null || true)"
machine_id="$(printf '%s' "$machine_id" | tr -d '[:space:]')"
# JSON strings without jq: drop the characters that would need escaping.
friendly_name="$(printf '%s%s' "$HOST_PREFIX" "$host_name" | tr -d '"\\[:cntrl:]')"
machine_id="$(printf '%s' "$machine_id" | tr -d '"\\[:cntrl:]')"

if [ "$DRY_RUN" = true ]; then
    info "[DRY RUN] Would enroll: $friendly_name"
    exit 0
fi

if [ -n "$machine_id" ]; then
    payload="{\"friendly_name\":\"$friendly_name\",\"machine_id\":\"$machine_id\"}"
else
    payload="{\"friendly_name\":\"$friendly_name\"}"
fi
# Credentials reach curl as a config file on stdin, never as (visible) arguments.
# shellcheck disable=SC2086 # CURL_FLAGS holds several flags
response="$(printf 'header = "X-Auto-Enrollment-Key: %s"\nheader = "X-Auto-Enrollment-Secret: %s"\n' \
    "$AUTO_ENROLLMENT_KEY" "$AUTO_ENROLLMENT_SECRET" |
    curl $CURL_FLAGS -K - -X POST -H 'Content-Type: application/json' --data-binary "$payload" \
        -w '\n%{http_code}' "$PATCHMON_URL/api/v1/auto-enrollment/enroll")"
http_code="$(printf '%s\n' "$response" | tail -n 1)"
body="$(printf '%s\n' "$response" | sed '$d')"
case "$http_code" in
200 | 201) ;;
*)
    error "Failed to enroll $friendly_name - HTTP $http_code"
    printf '  Response: %s\n' "$body"
    exit 1
    ;;
esac

api_id="$(printf '%s' "$body" | sed -n 's/.*"api_id":"\([^"]*\)".*/\1/p')"
api_key="$(printf '%s' "$body" | sed -n 's/.*"api_key":"\([^"]*\)".*/\1/p')"
if [ -z "$api_key" ]; then
    error "$friendly_name is already enrolled in PatchMon; delete it there to enroll this machine again"
    exit 1
fi
info "Enrolled as $friendly_name ($api_id); installing the agent"

query=""
if [ "$FORCE_INSTALL" = true ]; then
    query="?force=true"
fi
# shellcheck disable=SC2086
installer="$(printf 'header = "X-API-ID: %s"\nheader = "X-API-KEY: %s"\n' "$api_id" "$api_key" |
    curl $CURL_FLAGS -f -K - "$PATCHMON_URL/api/v1/hosts/install$query")" || {
    error "Failed to download the agent installer"
    exit 1
}
printf '%s\n' "$installer" | sh
