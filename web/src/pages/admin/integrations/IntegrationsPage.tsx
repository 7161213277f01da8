import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useEndpoint } from "../../../api/capabilities";
import { INTEGRATION_TOKENS_KEY, integrationApi, useIntegrationTokens, useStoreToken, type IntegrationToken } from "../../../api/integrations";
import { Icon } from "../../../components/Icon";
import { ConfirmDialog } from "../../../components/Modal";
import { EmptyState, ErrorState, errorText, Loading, NotAvailable, Notice } from "../../../components/States";
import { Badge } from "../../../components/StatusBadge";
import { formatDateTime, formatRelative } from "../../../lib/format";
import { CredentialCreatedDialog } from "./CredentialCreatedDialog";
import { NewCredentialDialog, type CreatedCredential } from "./NewCredentialDialog";
import { scopeSummary, tokenState, typeLabel, typeOf } from "./integrationLogic";

const STATE_BADGE = {
  active: { tone: "ok", label: "Active" },
  inactive: { tone: "warn", label: "Inactive" },
  expired: { tone: "danger", label: "Expired" },
} as const;

function CredentialRow({ token, onDelete, onError }: { token: IntegrationToken; onDelete: () => void; onError: (message: string | null) => void }) {
  const store = useStoreToken();
  const [busy, setBusy] = useState(false);
  const state = STATE_BADGE[tokenState(token)];
  const type = typeOf(token);

  const toggle = async () => {
    setBusy(true);
    onError(null);
    try {
      await store((await integrationApi.setActive(token.id, !token.is_active)).token);
    } catch (err) {
      onError(`Could not ${token.is_active ? "deactivate" : "activate"} “${token.token_name}”: ${errorText(err)}`);
    } finally {
      setBusy(false);
    }
  };

  return (
    <tr>
      <td>
        <strong>{token.token_name}</strong>
        {type === "api" && token.scopes && <div className="muted small">{scopeSummary(token.scopes)}</div>}
        {token.allowed_ip_ranges.length > 0 && <div className="muted small">{`From ${token.allowed_ip_ranges.join(", ")}`}</div>}
      </td>
      <td>{typeLabel(type)}</td>
      <td>
        <code>{token.token_key}</code>
      </td>
      <td>
        <Badge tone={state.tone}>{state.label}</Badge>
      </td>
      <td className="col-optional">{token.expires_at ? formatDateTime(token.expires_at) : <span className="muted">Never</span>}</td>
      <td className="col-optional">{formatRelative(token.last_used_at)}</td>
      <td>
        <div className="actions">
          <button type="button" className="btn btn-small" disabled={busy} onClick={toggle} aria-label={`${token.is_active ? "Deactivate" : "Activate"} ${token.token_name}`}>
            {token.is_active ? "Deactivate" : "Activate"}
          </button>
          <button type="button" className="btn btn-small btn-danger" onClick={onDelete} aria-label={`Delete ${token.token_name}`}>
            Delete
          </button>
        </div>
      </td>
    </tr>
  );
}

export default function IntegrationsPage() {
  const endpoint = useEndpoint("GET", "/auto-enrollment/tokens");
  const tokens = useIntegrationTokens(endpoint === "available");
  const queryClient = useQueryClient();
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<CreatedCredential | null>(null);
  const [rowError, setRowError] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<IntegrationToken | null>(null);
  const [deleteBusy, setDeleteBusy] = useState(false);
  const [deleteError, setDeleteError] = useState<string | null>(null);

  const confirmDelete = async () => {
    if (!deleting) return;
    setDeleteBusy(true);
    setDeleteError(null);
    try {
      await integrationApi.remove(deleting.id);
      queryClient.setQueryData<IntegrationToken[]>(INTEGRATION_TOKENS_KEY, (list) => list?.filter((t) => t.id !== deleting.id));
      setDeleting(null);
    } catch (err) {
      setDeleteError(errorText(err));
    } finally {
      setDeleteBusy(false);
    }
  };

  return (
    <div className="page">
      <div className="page-header">
        <h1>Integrations</h1>
        {endpoint === "available" && (
          <button type="button" className="btn btn-primary" onClick={() => setCreating(true)}>
            <Icon name="plus" /> New credential
          </button>
        )}
      </div>
      <p className="muted">
        Credentials for scripts and Ansible (scoped API over HTTP Basic), gethomepage widgets, and automatic host enrollment. Secrets are shown once, when a
        credential is created.
      </p>
      {rowError && <Notice kind="error">{rowError}</Notice>}
      {endpoint === "missing" ? (
        <NotAvailable what="Integration credentials are" />
      ) : endpoint === "checking" || tokens.isPending ? (
        <Loading />
      ) : tokens.isError ? (
        <ErrorState error={tokens.error} onRetry={() => void tokens.refetch()} />
      ) : tokens.data.length === 0 ? (
        <EmptyState title="No integration credentials">Create one to let a script, a dashboard widget or a Proxmox node talk to this server.</EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="table" aria-label="Integration credentials">
            <thead>
              <tr>
                <th>Name</th>
                <th>Type</th>
                <th>Key</th>
                <th>State</th>
                <th className="col-optional">Expires</th>
                <th className="col-optional">Last used</th>
                <th aria-label="Actions" />
              </tr>
            </thead>
            <tbody>
              {tokens.data.map((token) => (
                <CredentialRow
                  key={token.id}
                  token={token}
                  onError={setRowError}
                  onDelete={() => {
                    setDeleteError(null);
                    setDeleting(token);
                  }}
                />
              ))}
            </tbody>
          </table>
        </div>
      )}
      {creating && (
        <NewCredentialDialog
          onClose={() => setCreating(false)}
          onCreated={(result) => {
            setCreating(false);
            setCreated(result);
          }}
        />
      )}
      {created && <CredentialCreatedDialog result={created} onClose={() => setCreated(null)} />}
      {deleting && (
        <ConfirmDialog
          title="Delete credential"
          message={`Delete “${deleting.token_name}”? Anything still using its key stops working at once. Hosts it enrolled are kept.`}
          confirmLabel="Delete credential"
          danger
          busy={deleteBusy}
          error={deleteError}
          onCancel={() => setDeleting(null)}
          onConfirm={confirmDelete}
        />
      )}
    </div>
  );
}
