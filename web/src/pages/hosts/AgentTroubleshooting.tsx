import { useServerUrl } from "../../api/queries";

/** What to check on the host when its agent does not show up (PatchMon's "host doesn't check in" list). */
export function AgentTroubleshooting({ open }: { open: boolean }) {
  const serverUrl = useServerUrl();
  const server = serverUrl.data?.replace(/\/+$/, "") ?? "<server URL>";
  return (
    <details className="troubleshooting" open={open}>
      <summary>The agent does not show up?</summary>
      <ol>
        <li>
          <strong>Did the install command finish?</strong> It prints <code>Downloading the PatchMon agent…</code>, then that it installed the
          service, and ends with <code>PatchMon agent installed.</code> If it stopped earlier, fix what it reported and run it again as root.
        </li>
        <li>
          <strong>Is the service running?</strong> <code>sudo systemctl status patchmon-agent</code> (systemd) or{" "}
          <code>sudo rc-service patchmon-agent status</code> (Alpine / OpenRC).
        </li>
        <li>
          <strong>Test the connection and credentials:</strong> <code>sudo patchmon-agent ping</code> should answer “API credentials are valid” and
          “Connectivity test successful”. <code>sudo patchmon-agent diagnostics</code> checks more.
        </li>
        <li>
          <strong>Read the agent log:</strong> <code>sudo tail -n 50 /etc/patchmon/logs/patchmon-agent.log</code>
          <ul>
            <li>HTTP 401: the key on the host is not this host's (the host was added again, or its credentials were regenerated). Regenerate the credentials on the host page and run the new command.</li>
            <li>TLS or certificate error: install the server's CA on the host, or for a lab set <code>skip_ssl_verify: true</code> in <code>/etc/patchmon/config.yml</code>.</li>
            <li>
              Connection refused or timed out: a firewall, DNS or reverse proxy is in the way. <code>curl -I {server}</code> on the host should get an HTTP answer.
            </li>
          </ul>
        </li>
      </ol>
      <p className="help">Closing this window does not cancel anything: the host stays pending, and its page shows when the agent reports.</p>
    </details>
  );
}
