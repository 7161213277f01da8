#!/bin/bash
# PatchMon-RS: enroll the LXC containers of this Proxmox VE node and install the agent in each.
#
# The server fills in PATCHMON_URL and the enrollment credential when it serves this script
# (GET /api/v1/auto-enrollment/script?type=proxmox-lxc). Knobs, from the environment:
#   DRY_RUN=true        show what would be enrolled and change nothing
#   DEBUG=true          also print API responses (host keys masked) and container commands
#   HOST_PREFIX=prod-   prefix for the names the containers get in PatchMon
#   SKIP_STOPPED=false  enroll stopped containers too (their agent cannot be installed yet)
#   FORCE_INSTALL=true  install the agent even where the package manager is in a broken state
#   CURL_FLAGS=-sk      accept a self-signed server certificate
# A container whose agent is configured and answers `patchmon-agent ping` is skipped, and the
# server recognises containers it already knows by machine id, so reruns (cron) are safe.

set -u
set -o pipefail

PATCHMON_URL="${PATCHMON_URL:-}"
AUTO_ENROLLMENT_KEY="${AUTO_ENROLLMENT_KEY:-}"
AUTO_ENROLLMENT_SECRET="${AUTO_ENROLLMENT_SECRET:-}"
CURL_FLAGS="${CURL_FLAGS:--s}"
DRY_RUN="${DRY_RUN:-false}"
DEBUG="${DEBUG:-false}"
HOST_PREFIX="${HOST_PREFIX:-}"
SKIP_STOPPED="${SKIP_STOPPED:-true}"
FORCE_INSTALL="${FORCE_INSTALL:-false}"

# Colours only on a terminal, so cron logs stay plain.
if [ -t 1 ]; then
    RED=$'\033[0;31m' GREEN=$'\033[0;32m' YELLOW=$'\033[1;33m' BLUE=$'\033[0;34m' NC=$'\033[0m'
else
    RED='' GREEN='' YELLOW='' BLUE='' NC=''
fi

info() { printf '%s[INFO]%s %s\n' "$BLUE" "$NC" "$*"; }
success() { printf '%s[SUCCESS]%s %s\n' "$GREEN" "$NC" "$*"; }
warn() { printf '%s[WARN]%s %s\n' "$YELLOW" "$NC" "$*"; }
error() { printf '%s[ERROR]%s %s\n' "$RED" "$NC" "$*"; }
is_true() {
    case "$1" in
    true | TRUE | True | 1 | yes) return 0 ;;
    *) return 1 ;;
    esac
}
# Debug lines go to fd 4, the script's stdout, so they show even from inside $(...).
exec 4>&1
debug() {
    if is_true "$DEBUG"; then
        printf '[DEBUG] %s\n' "$*" >&4
    fi
}

if ! command -v pct >/dev/null 2>&1; then
    error "This script must run on a Proxmox host (pct command not found)"
    exit 1
fi
for cmd in curl jq; do
    if ! command -v "$cmd" >/dev/null 2>&1; then
        error "Required command '$cmd' not found. Please install it first."
        exit 1
    fi
done
if [ -z "$PATCHMON_URL" ] || [ -z "$AUTO_ENROLLMENT_KEY" ] || [ -z "$AUTO_ENROLLMENT_SECRET" ]; then
    error "PATCHMON_URL, AUTO_ENROLLMENT_KEY and AUTO_ENROLLMENT_SECRET must be set"
    exit 1
fi
PATCHMON_URL="${PATCHMON_URL%/}"
read -r -a curl_flags <<<"$CURL_FLAGS"
node_name="$(hostname -s 2>/dev/null || hostname)"

# Credentials reach curl as a config file on stdin, never as arguments: arguments are visible
# to every user of the node in the process list.
enroll_request() {
    printf 'header = "X-Auto-Enrollment-Key: %s"\nheader = "X-Auto-Enrollment-Secret: %s"\n' \
        "$AUTO_ENROLLMENT_KEY" "$AUTO_ENROLLMENT_SECRET" |
        curl "${curl_flags[@]}" -K - -X POST -H 'Content-Type: application/json' \
            --data-binary "$1" -w '\n%{http_code}' "$PATCHMON_URL/api/v1/auto-enrollment/enroll"
}

# The agent installer for a host's credentials; it carries a one-time bootstrap token, not the key.
fetch_installer() {
    local query=""
    if is_true "$FORCE_INSTALL"; then
        query="?force=true"
    fi
    printf 'header = "X-API-ID: %s"\nheader = "X-API-KEY: %s"\n' "$1" "$2" |
        curl "${curl_flags[@]}" -f -K - "$PATCHMON_URL/api/v1/hosts/install$query"
}

# A command inside a container. stdin is closed so pct cannot eat the container list.
in_ct() {
    local vmid="$1"
    shift
    debug "  pct exec $vmid -- $*"
    pct exec "$vmid" -- "$@" </dev/null
}

already_enrolled() {
    in_ct "$1" test -f /etc/patchmon/config.yml &&
        in_ct "$1" test -f /etc/patchmon/credentials.yml &&
        in_ct "$1" patchmon-agent ping >/dev/null 2>&1
}

ensure_curl() {
    if in_ct "$1" sh -c 'command -v curl' >/dev/null 2>&1; then
        return 0
    fi
    info "  Installing curl in LXC $1"
    # shellcheck disable=SC2016 # expanded by the container's shell
    in_ct "$1" env FORCE_INSTALL="$FORCE_INSTALL" sh -c '
        if command -v apt-get >/dev/null 2>&1; then
            export DEBIAN_FRONTEND=noninteractive
            if [ "$FORCE_INSTALL" = true ]; then
                apt-get install -y --fix-broken curl ca-certificates
            else
                apt-get update -qq && apt-get install -y -qq curl ca-certificates
            fi
        elif command -v dnf >/dev/null 2>&1; then dnf install -y curl
        elif command -v yum >/dev/null 2>&1; then yum install -y curl
        elif command -v apk >/dev/null 2>&1; then apk add --no-cache curl ca-certificates
        else exit 1
        fi' >/dev/null 2>&1
}

containers="$(pct list 2>/dev/null | awk 'NR > 1 && $1 ~ /^[0-9]+$/ { print $1, $2, $NF }')"
total=0
if [ -n "$containers" ]; then
    total="$(printf '%s\n' "$containers" | wc -l | tr -d ' ')"
fi
info "Found $total LXC container(s)"
if is_true "$DRY_RUN"; then
    info "Dry run: nothing will be enrolled or installed"
fi

enrolled=0
skipped=0
failed=0
while read -r vmid status name <&3; do
    [ -n "$vmid" ] || continue
    info "Processing LXC $vmid: $name (status: $status)"
    running=false
    if [ "$status" = running ]; then
        running=true
    elif is_true "$SKIP_STOPPED"; then
        warn "  Skipping LXC $vmid ($name): container is $status"
        skipped=$((skipped + 1))
        continue
    fi

    if $running && already_enrolled "$vmid"; then
        info "  ✓ Host already enrolled and agent ping successful - skipping enrollment"
        skipped=$((skipped + 1))
        continue
    fi

    host_name="$name"
    ip_address=""
    os_info="unknown"
    machine_id=""
    if $running; then
        reported="$(in_ct "$vmid" hostname 2>/dev/null)" && [ -n "$reported" ] && host_name="$reported"
        ip_address="$(in_ct "$vmid" hostname -I 2>/dev/null | awk '{ print $1 }')"
        pretty="$(in_ct "$vmid" cat /etc/os-release 2>/dev/null | sed -n 's/^PRETTY_NAME=//p' | tr -d '"')"
        [ -n "$pretty" ] && os_info="$pretty"
        machine_id="$(in_ct "$vmid" cat /etc/machine-id 2>/dev/null ||
            in_ct "$vmid" cat /var/lib/dbus/machine-id 2>/dev/null)"
        machine_id="$(printf '%s' "$machine_id" | tr -d '[:space:]')"
    fi
    # Stable per node and container, so a stopped container is not enrolled twice either.
    [ -n "$machine_id" ] || machine_id="proxmox-lxc-$node_name-$vmid"
    friendly_name="$HOST_PREFIX$host_name"

    if is_true "$DRY_RUN"; then
        info "  [DRY RUN] Would enroll: $friendly_name"
        enrolled=$((enrolled + 1))
        continue
    fi

    payload="$(jq -cn --arg name "$friendly_name" --arg machine "$machine_id" --arg vmid "$vmid" \
        --arg node "$node_name" --arg ip "$ip_address" --arg os "$os_info" \
        '{friendly_name: $name, machine_id: $machine,
          metadata: {vmid: $vmid, proxmox_node: $node, ip_address: $ip, os_info: $os}}')"
    response="$(enroll_request "$payload")"
    http_code="${response##*$'\n'}"
    body="${response%$'\n'*}"
    debug "  Response ($http_code): $(jq -c 'if .host.api_key then .host.api_key = "***" else . end' <<<"$body" 2>/dev/null || printf '%s' "$body")"
    case "$http_code" in
    200 | 201) ;;
    429)
        error "Rate limit exceeded - maximum hosts per day reached"
        failed=$((failed + 1))
        break
        ;;
    *)
        error "Failed to enroll $friendly_name - HTTP $http_code"
        printf '  Response: %s\n' "$body"
        failed=$((failed + 1))
        continue
        ;;
    esac

    api_id="$(jq -r '.host.api_id // empty' <<<"$body")"
    api_key="$(jq -r '.host.api_key // empty' <<<"$body")"
    if [ -z "$api_key" ]; then
        warn "  $friendly_name is already enrolled in PatchMon (host $(jq -r '.host.id' <<<"$body")); delete it there to enroll this container again"
        skipped=$((skipped + 1))
        continue
    fi
    if [ "$http_code" = 200 ]; then
        info "  Known to PatchMon but never reported; new credentials issued"
    else
        info "  Enrolled as $friendly_name ($api_id)"
    fi

    if ! $running; then
        warn "  LXC $vmid is $status: agent not installed; start it and run this script again"
        enrolled=$((enrolled + 1))
        continue
    fi
    if ! ensure_curl "$vmid"; then
        warn "  Could not install curl in LXC $vmid; the agent installer needs it"
    fi
    if ! installer="$(fetch_installer "$api_id" "$api_key")"; then
        error "Failed to download the agent installer for $friendly_name"
        failed=$((failed + 1))
        continue
    fi
    debug "  pct exec $vmid -- sh < installer"
    if output="$(printf '%s\n' "$installer" | pct exec "$vmid" -- sh 2>&1)"; then
        success "$friendly_name enrolled and agent installed"
        enrolled=$((enrolled + 1))
    else
        code=$?
        warn "Failed to install agent in $friendly_name (exit: $code)"
        printf '  Install output: %s\n' "$output"
        failed=$((failed + 1))
    fi
done 3<<<"$containers"

dry_note=""
if is_true "$DRY_RUN"; then
    dry_note=" (dry run)"
fi
echo
info "===== Enrollment Summary ====="
info "Successfully Enrolled:  $enrolled$dry_note"
info "Skipped:                $skipped"
info "Failed:                 $failed"
if [ "$failed" -gt 0 ]; then
    exit 1
fi
exit 0
