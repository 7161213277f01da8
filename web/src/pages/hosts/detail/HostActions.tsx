import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useNavigate } from "react-router-dom";
import { api } from "../../../api";
import { useEndpoint } from "../../../api/capabilities";
import type { Host, RegeneratedCredentials } from "../../../api/types";
import { ConfirmDialog, Modal } from "../../../components/Modal";
import { errorText, Notice } from "../../../components/States";
import { CredentialsPanel } from "../CredentialsPanel";
import { GroupPicker } from "../GroupPicker";

type Dialog = "rename" | "groups" | "regenerate" | "delete" | null;

export function HostActions({ host }: { host: Host }) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [dialog, setDialog] = useState<Dialog>(null);
  const [name, setName] = useState(host.friendly_name);
  const [groupIds, setGroupIds] = useState<string[]>(host.host_group_memberships.map((group) => group.id));
  const [credentials, setCredentials] = useState<RegeneratedCredentials | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<{ kind: "error" | "success"; text: string } | null>(null);
  const canFetchReport = useEndpoint("POST", "/hosts/{id}/fetch-report") === "available";

  const refresh = () => void queryClient.invalidateQueries({ queryKey: ["hosts"] });
  /** Refreshes host lists, but not this host's own queries: refetching them would only 404. */
  const forgetDeletedHost = () => {
    const ownQuery = (key: readonly unknown[]) => key[0] === "hosts" && key[2] === host.id;
    queryClient.removeQueries({ predicate: (query) => ownQuery(query.queryKey) });
    void queryClient.invalidateQueries({ queryKey: ["hosts"], predicate: (query) => !ownQuery(query.queryKey) });
  };
  const close = () => {
    setDialog(null);
    setError(null);
  };

  const run = async <T,>(action: () => Promise<T>, after: (result: T) => void) => {
    setBusy(true);
    setError(null);
    try {
      after(await action());
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  const fetchReport = async () => {
    setNotice(null);
    try {
      const result = await api.post<{ message: string }>(`/hosts/${host.id}/fetch-report`);
      setNotice({ kind: "success", text: result.message });
    } catch (err) {
      setNotice({ kind: "error", text: errorText(err) });
    }
  };

  const saveFooter = (onSave: () => void, disabled = false) => (
    <>
      <button type="button" className="btn" onClick={close}>
        Cancel
      </button>
      <button type="button" className="btn btn-primary" disabled={busy || disabled} onClick={onSave}>
        {busy ? "Saving…" : "Save"}
      </button>
    </>
  );

  return (
    <>
      <div className="actions">
        {canFetchReport && (
          <button type="button" className="btn" onClick={fetchReport}>
            Fetch report
          </button>
        )}
        <button type="button" className="btn" onClick={() => { setName(host.friendly_name); setDialog("rename"); }}>
          Rename
        </button>
        <button type="button" className="btn" onClick={() => { setGroupIds(host.host_group_memberships.map((group) => group.id)); setDialog("groups"); }}>
          Groups
        </button>
        <button type="button" className="btn" onClick={() => setDialog("regenerate")}>
          Regenerate credentials
        </button>
        <button type="button" className="btn btn-danger" onClick={() => setDialog("delete")}>
          Delete
        </button>
      </div>
      {notice && <Notice kind={notice.kind}>{notice.text}</Notice>}

      {dialog === "rename" && (
        <Modal title="Rename host" onClose={close} footer={saveFooter(() => run(() => api.patch(`/hosts/${host.id}/friendly-name`, { friendly_name: name.trim() }), () => { refresh(); close(); }), !name.trim())}>
          <div className="form-field">
            <label htmlFor="rename-host">Friendly name</label>
            <input id="rename-host" maxLength={100} value={name} onChange={(event) => setName(event.target.value)} />
          </div>
          {error && <Notice kind="error">{error}</Notice>}
        </Modal>
      )}
      {dialog === "groups" && (
        <Modal title="Host groups" onClose={close} footer={saveFooter(() => run(() => api.put(`/hosts/${host.id}/groups`, { groupIds }), () => { refresh(); void queryClient.invalidateQueries({ queryKey: ["host-groups"] }); close(); }))}>
          <GroupPicker selected={groupIds} onChange={setGroupIds} />
          {error && <Notice kind="error">{error}</Notice>}
        </Modal>
      )}
      {dialog === "regenerate" && !credentials && (
        <ConfirmDialog
          title="Regenerate credentials"
          message="The current API ID and key stop working immediately. The agent must be reconfigured (or reinstalled) with the new credentials."
          confirmLabel="Regenerate"
          danger
          busy={busy}
          error={error}
          onCancel={close}
          onConfirm={() => run(() => api.post<RegeneratedCredentials>(`/hosts/${host.id}/regenerate-credentials`), (result) => { setCredentials(result); refresh(); })}
        />
      )}
      {credentials && (
        <Modal title="New credentials" wide onClose={() => { setCredentials(null); close(); }}>
          {credentials.warning && <Notice kind="info">{credentials.warning}</Notice>}
          <CredentialsPanel apiId={credentials.apiId} apiKey={credentials.apiKey} />
        </Modal>
      )}
      {dialog === "delete" && (
        <ConfirmDialog
          title="Delete host"
          message={`Delete ${host.friendly_name} and all its data? This cannot be undone.`}
          confirmLabel="Delete host"
          danger
          busy={busy}
          error={error}
          onCancel={close}
          onConfirm={() => run(() => api.delete(`/hosts/${host.id}`), () => { forgetDeletedHost(); navigate("/hosts", { replace: true }); })}
        />
      )}
    </>
  );
}
