import { installCommand, useServerUrl } from "../../api/queries";
import { CopyButton, CopyField } from "../../components/CopyButton";
import { Notice } from "../../components/States";

/** API credentials plus the install one-liner; the key is only ever shown this once. */
export function CredentialsPanel({ apiId, apiKey, onCommandCopied }: { apiId: string; apiKey: string; onCommandCopied?: () => void }) {
  const serverUrl = useServerUrl();
  const command = serverUrl.data ? installCommand(serverUrl.data, apiId, apiKey) : null;
  return (
    <div className="stack">
      <Notice kind="info">Save the API key now: it is shown only once and cannot be retrieved later.</Notice>
      <CopyField label="API ID" value={apiId} />
      <CopyField label="API key" value={apiKey} />
      <div className="form-field">
        <label>Install command (run as root on the host)</label>
        {command ? (
          <>
            <code className="command">{command}</code>
            <div>
              <CopyButton text={command} label="Copy command" onCopied={onCommandCopied} />
            </div>
          </>
        ) : serverUrl.isError ? (
          <Notice kind="error">Could not load the server URL: {serverUrl.error.message}</Notice>
        ) : (
          <span className="muted">Loading server URL…</span>
        )}
      </div>
    </div>
  );
}
