# PatchMon agent installer body. The server prepends PATCHMON_URL, PATCHMON_OS, BOOTSTRAP_TOKEN,
# CURL_FLAGS, SKIP_SSL_VERIFY, FORCE_INSTALL, optional ARCHITECTURE and patchmon_fetch_credentials.
set -e

say() { printf '%s\n' "$*"; }
fail() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" = "0" ] || fail "This installer must be run as root"
command -v curl >/dev/null 2>&1 || fail "curl is required"

BIN=/usr/local/bin/patchmon-agent
CONF_DIR=/etc/patchmon
CONFIG="$CONF_DIR/config.yml"

# Re-running on a working install changes nothing (unless FORCE_INSTALL=true).
if [ "$FORCE_INSTALL" != "true" ] && [ -x "$BIN" ] && [ -f "$CONFIG" ] && "$BIN" ping >/dev/null 2>&1; then
    say "PatchMon agent is already installed and connected; nothing to do (use force=true to reinstall)."
    exit 0
fi

patchmon_fetch_credentials

if [ -z "$ARCHITECTURE" ]; then
    case "$(uname -m)" in
        x86_64|amd64) ARCHITECTURE=amd64 ;;
        aarch64|arm64) ARCHITECTURE=arm64 ;;
        armv6l|armv7l|arm*) ARCHITECTURE=arm ;;
        i386|i686) ARCHITECTURE=386 ;;
        *) fail "Unsupported architecture: $(uname -m)" ;;
    esac
fi

say "Downloading the PatchMon agent ($PATCHMON_OS/$ARCHITECTURE)..."
curl $CURL_FLAGS -f -H "X-API-ID: $API_ID" -H "X-API-KEY: $API_KEY" \
    "$PATCHMON_URL/api/v1/hosts/agent/download?arch=$ARCHITECTURE&os=$PATCHMON_OS" -o "$BIN.download" \
    || fail "Could not download the agent binary"
chmod 0755 "$BIN.download"
mv -f "$BIN.download" "$BIN"

mkdir -p "$CONF_DIR" "$CONF_DIR/logs"
chmod 0700 "$CONF_DIR"
if [ -f "$CONFIG" ]; then
    cp "$CONFIG" "$CONFIG.backup.$(date +%Y%m%d_%H%M%S)"
    # Keep the three newest configuration backups.
    ls -1t "$CONFIG".backup.* 2>/dev/null | tail -n +4 | while read -r old; do rm -f "$old"; done
fi

"$BIN" --config "$CONFIG" config set-api "$API_ID" "$API_KEY" "$PATCHMON_URL" || fail "The agent could not reach the server with these credentials"
if [ "$SKIP_SSL_VERIFY" = "true" ]; then
    sed -i 's/^skip_ssl_verify: .*/skip_ssl_verify: true/' "$CONFIG"
fi

if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
    cat > /etc/systemd/system/patchmon-agent.service <<'UNIT'
[Unit]
Description=PatchMon Agent Service
After=network.target
Wants=network.target

[Service]
Type=simple
User=root
ExecStart=/usr/local/bin/patchmon-agent serve
Restart=always
RestartSec=10
WorkingDirectory=/etc/patchmon
StandardOutput=journal
StandardError=journal
SyslogIdentifier=patchmon-agent

[Install]
WantedBy=multi-user.target
UNIT
    systemctl daemon-reload
    systemctl enable patchmon-agent >/dev/null 2>&1
    systemctl restart patchmon-agent
    say "Installed the systemd service patchmon-agent."
elif command -v rc-update >/dev/null 2>&1; then
    cat > /etc/init.d/patchmon-agent <<'OPENRC'
#!/sbin/openrc-run
name="patchmon-agent"
description="PatchMon Agent Service"
command="/usr/local/bin/patchmon-agent"
command_args="serve"
command_user="root"
pidfile="/var/run/patchmon-agent.pid"
command_background="yes"
working_dir="/etc/patchmon"
depend() {
    need net
    after net
}
OPENRC
    chmod 0755 /etc/init.d/patchmon-agent
    rc-update add patchmon-agent default >/dev/null 2>&1
    rc-service patchmon-agent restart
    say "Installed the OpenRC service patchmon-agent."
else
    printf '%s\n' "# PatchMon agent: scheduled reporting, fallback for non-systemd systems" \
        "@reboot root /usr/local/bin/patchmon-agent serve >/dev/null 2>&1" > /etc/cron.d/patchmon-agent
    chmod 0644 /etc/cron.d/patchmon-agent
    pkill -f 'patchmon-agent serve' 2>/dev/null || true
    nohup /usr/local/bin/patchmon-agent serve >/dev/null 2>&1 &
    say "No systemd or OpenRC: started the agent and added an @reboot entry to /etc/cron.d."
fi

say "PatchMon agent installed."
