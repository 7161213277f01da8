import { useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Link } from "react-router-dom";
import { api } from "../../api";
import type { CreateHostResponse } from "../../api/types";
import { Modal } from "../../components/Modal";
import { errorText, Notice } from "../../components/States";
import { CredentialsPanel } from "./CredentialsPanel";
import { GroupPicker } from "./GroupPicker";
import { WaitingForConnection } from "./WaitingForConnection";

export function AddHostWizard({ onClose }: { onClose: () => void }) {
  const queryClient = useQueryClient();
  const [friendlyName, setFriendlyName] = useState("");
  const [groupIds, setGroupIds] = useState<string[]>([]);
  const [dockerEnabled, setDockerEnabled] = useState(false);
  const [complianceEnabled, setComplianceEnabled] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [created, setCreated] = useState<CreateHostResponse | null>(null);
  // After the install command is copied the wizard waits for the agent; the credentials stay for "View command again".
  const [waiting, setWaiting] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const result = await api.post<CreateHostResponse>("/hosts/create", {
        friendly_name: friendlyName.trim(),
        hostGroupIds: groupIds,
        docker_enabled: dockerEnabled,
        compliance_enabled: complianceEnabled,
      });
      setCreated(result);
      void queryClient.invalidateQueries({ queryKey: ["hosts"] });
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  if (created && waiting) {
    return <WaitingForConnection hostId={created.hostId} apiId={created.apiId} friendlyName={created.friendlyName} onViewCommand={() => setWaiting(false)} onClose={onClose} />;
  }

  if (created) {
    return (
      <Modal
        title={`Install the agent on ${created.friendlyName}`}
        onClose={onClose}
        wide
        footer={
          <>
            <button type="button" className="btn" onClick={onClose}>
              Done
            </button>
            <Link to={`/hosts/${created.hostId}`} className="btn" onClick={onClose}>
              Open host
            </Link>
            <button type="button" className="btn btn-primary" onClick={() => setWaiting(true)}>
              Wait for the agent
            </button>
          </>
        }
      >
        <CredentialsPanel apiId={created.apiId} apiKey={created.apiKey} onCommandCopied={() => setWaiting(true)} />
        <p className="muted">Copying the command moves on to waiting for the agent. The host shows as pending until its first report arrives (normally within a minute of installing).</p>
      </Modal>
    );
  }

  return (
    <Modal
      title="Add host"
      onClose={onClose}
      footer={
        <>
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" form="add-host-form" className="btn btn-primary" disabled={busy || !friendlyName.trim()}>
            {busy ? "Creating…" : "Create host"}
          </button>
        </>
      }
    >
      <form id="add-host-form" className="form" onSubmit={submit}>
        <div className="form-field">
          <label htmlFor="host-friendly-name">Friendly name</label>
          <input id="host-friendly-name" required maxLength={100} value={friendlyName} onChange={(event) => setFriendlyName(event.target.value)} placeholder="web-server-01" />
        </div>
        <div className="form-field">
          <label>Host groups</label>
          <GroupPicker selected={groupIds} onChange={setGroupIds} />
        </div>
        <label className="checkbox">
          <input type="checkbox" checked={dockerEnabled} onChange={(event) => setDockerEnabled(event.target.checked)} />
          Docker integration (report containers, images, volumes and networks)
        </label>
        <label className="checkbox">
          <input type="checkbox" checked={complianceEnabled} onChange={(event) => setComplianceEnabled(event.target.checked)} />
          Compliance integration (OpenSCAP / Docker Bench scans)
        </label>
        <p className="help">Tip: enable compliance after the agent is installed, so you can watch the scanner install.</p>
        {error && <Notice kind="error">{error}</Notice>}
      </form>
    </Modal>
  );
}
