import { useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { CREDENTIAL_TYPES, INTEGRATION_TOKENS_KEY, integrationApi, SCOPE_ACTIONS, type CreatedToken, type CredentialType } from "../../../api/integrations";
import { useHostGroups } from "../../../api/queries";
import { usePermissions } from "../../../auth/AuthProvider";
import { Modal } from "../../../components/Modal";
import { errorText, Notice } from "../../../components/States";
import { buildCreateBody, EMPTY_DRAFT, enrolls, TYPE_HELP, TYPE_LABELS, type CredentialDraft } from "./integrationLogic";

export interface CreatedCredential {
  type: CredentialType;
  created: CreatedToken;
}

function ScopeChecklist({ scopes, onChange }: { scopes: CredentialDraft["scopes"]; onChange: (scopes: CredentialDraft["scopes"]) => void }) {
  const toggle = (resource: string, action: string, on: boolean) => {
    const current = scopes[resource] ?? [];
    const next = on ? [...current.filter((a) => a !== action), action] : current.filter((a) => a !== action);
    onChange({ ...scopes, [resource]: next });
  };
  return (
    <fieldset className="form-field form-fieldset">
      <legend>Scopes</legend>
      {Object.entries(SCOPE_ACTIONS).map(([resource, actions]) => (
        <div key={resource} className="actions">
          <strong>{resource}</strong>
          {actions.map((action) => (
            <label key={action} className="checkbox">
              <input
                type="checkbox"
                aria-label={`${resource}: ${action}`}
                checked={scopes[resource]?.includes(action) ?? false}
                onChange={(event) => toggle(resource, action, event.target.checked)}
              />
              {action}
            </label>
          ))}
        </div>
      ))}
      <p className="help">Each action is granted on its own: “get” reads hosts, “delete” removes them.</p>
    </fieldset>
  );
}

/** The "New credential" form; on success hands the one-time answer to `onCreated`. */
export function NewCredentialDialog({ onClose, onCreated }: { onClose: () => void; onCreated: (result: CreatedCredential) => void }) {
  const queryClient = useQueryClient();
  const permissions = usePermissions();
  const [draft, setDraft] = useState<CredentialDraft>(EMPTY_DRAFT);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const enrolling = enrolls(draft.type);
  const groups = useHostGroups(enrolling && permissions.can_view_hosts);
  const set = (patch: Partial<CredentialDraft>) => setDraft((current) => ({ ...current, ...patch }));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const created = await integrationApi.create(buildCreateBody(draft));
      void queryClient.invalidateQueries({ queryKey: INTEGRATION_TOKENS_KEY });
      onCreated({ type: draft.type, created });
    } catch (err) {
      setError(errorText(err));
      setBusy(false);
    }
  };

  return (
    <Modal
      title="New credential"
      onClose={onClose}
      footer={
        <>
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" form="new-credential-form" className="btn btn-primary" disabled={busy || !draft.name.trim()}>
            {busy ? "Creating…" : "Create credential"}
          </button>
        </>
      }
    >
      <form id="new-credential-form" className="form" onSubmit={submit} noValidate>
        <div className="form-field">
          <label htmlFor="credential-name">Name</label>
          <input id="credential-name" maxLength={255} value={draft.name} onChange={(event) => set({ name: event.target.value })} />
        </div>
        <div className="form-field">
          <label htmlFor="credential-type">Type</label>
          <select id="credential-type" value={draft.type} onChange={(event) => set({ type: event.target.value as CredentialType })}>
            {CREDENTIAL_TYPES.map((type) => (
              <option key={type} value={type}>
                {TYPE_LABELS[type]}
              </option>
            ))}
          </select>
          <p className="help">{TYPE_HELP[draft.type]}</p>
        </div>
        {draft.type === "api" && <ScopeChecklist scopes={draft.scopes} onChange={(scopes) => set({ scopes })} />}
        <div className="form-field">
          <label htmlFor="credential-ips">Allowed IP addresses</label>
          <textarea
            id="credential-ips"
            rows={2}
            placeholder="192.168.1.10, 10.0.0.0/24"
            value={draft.ips}
            onChange={(event) => set({ ips: event.target.value })}
          />
          <p className="help">Addresses or CIDR ranges, separated by commas or new lines. Leave empty to accept any address.</p>
        </div>
        <div className="form-field">
          <label htmlFor="credential-expires">Expires on (optional)</label>
          <input id="credential-expires" type="date" value={draft.expires} onChange={(event) => set({ expires: event.target.value })} />
          <p className="help">Valid through the end of that day (UTC). Leave empty for no expiry.</p>
        </div>
        {enrolling && (
          <div className="form-row">
            <div className="form-field">
              <label htmlFor="credential-group">Default host group</label>
              <select id="credential-group" value={draft.groupId} onChange={(event) => set({ groupId: event.target.value })} disabled={groups.isLoading}>
                <option value="">None</option>
                {groups.data?.map((group) => (
                  <option key={group.id} value={group.id}>
                    {group.name}
                  </option>
                ))}
              </select>
            </div>
            <div className="form-field">
              <label htmlFor="credential-max-hosts">Max hosts per day</label>
              <input id="credential-max-hosts" type="number" min={1} max={1000} value={draft.maxHosts} onChange={(event) => set({ maxHosts: event.target.value })} />
            </div>
          </div>
        )}
        {error && <Notice kind="error">{error}</Notice>}
      </form>
    </Modal>
  );
}
