# PatchMon agent removal. Options (environment): REMOVE_BACKUPS=1 also deletes binary backups;
# SILENT=1 prints only errors.
say() { [ "$SILENT" = "1" ] || printf '%s\n' "$*"; }

if [ "$(id -u)" != "0" ]; then
    printf 'ERROR: %s\n' "This script must be run as root" >&2
    exit 1
fi

say "Stopping the PatchMon agent..."
if command -v systemctl >/dev/null 2>&1 && [ -f /etc/systemd/system/patchmon-agent.service ]; then
    systemctl stop patchmon-agent >/dev/null 2>&1
    systemctl disable patchmon-agent >/dev/null 2>&1
    rm -f /etc/systemd/system/patchmon-agent.service
    systemctl daemon-reload >/dev/null 2>&1
fi
if [ -f /etc/init.d/patchmon-agent ]; then
    rc-service patchmon-agent stop >/dev/null 2>&1
    rc-update del patchmon-agent default >/dev/null 2>&1
    rm -f /etc/init.d/patchmon-agent /var/run/patchmon-agent.pid
fi
rm -f /etc/cron.d/patchmon-agent
if command -v crontab >/dev/null 2>&1; then
    crontab -l 2>/dev/null | grep -v patchmon-agent | crontab - 2>/dev/null
fi
pkill -f 'patchmon-agent serve' >/dev/null 2>&1

say "Removing files..."
rm -f /usr/local/bin/patchmon-agent /usr/local/bin/patchmon-agent.new /usr/local/bin/patchmon-agent.sh
if [ "$REMOVE_BACKUPS" = "1" ]; then
    rm -f /usr/local/bin/patchmon-agent.backup.*
else
    say "Binary backups kept (REMOVE_BACKUPS=1 removes them)."
fi
rm -rf /etc/patchmon

say "PatchMon agent removed. The host stays in PatchMon until you delete it there."
