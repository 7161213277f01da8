import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { api } from "../../api";
import { useEndpoint } from "../../api/capabilities";
import { ConfirmDialog, Modal } from "../../components/Modal";
import { errorText, Notice } from "../../components/States";
import { GroupPicker } from "./GroupPicker";

type Dialog = "groups" | "delete" | null;

export function BulkActions({ selected, onDone }: { selected: Set<string>; onDone: () => void }) {
  const queryClient = useQueryClient();
  const [dialog, setDialog] = useState<Dialog>(null);
  const [groupIds, setGroupIds] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [result, setResult] = useState<string | null>(null);
  const hostIds = Array.from(selected);
  const canFetchReports = useEndpoint("POST", "/hosts/bulk/fetch-report") === "available";

  const run = async (action: () => Promise<{ message?: string } | undefined>) => {
    setBusy(true);
    setError(null);
    try {
      const response = await action();
      setResult(response?.message ?? "Done");
      setDialog(null);
      onDone();
      void queryClient.invalidateQueries({ queryKey: ["hosts"] });
      void queryClient.invalidateQueries({ queryKey: ["host-groups"] });
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  const close = () => {
    setDialog(null);
    setError(null);
  };

  return (
    <>
      {selected.size > 0 && (
        <div className="bulk-bar" role="region" aria-label="Bulk actions">
          <strong>{selected.size} selected</strong>
          <button type="button" className="btn btn-small" onClick={() => setDialog("groups")}>
            Assign groups
          </button>
          {canFetchReports && (
            <button type="button" className="btn btn-small" onClick={() => run(() => api.post("/hosts/bulk/fetch-report", { hostIds }))}>
              Fetch reports
            </button>
          )}
          <button type="button" className="btn btn-small btn-danger" onClick={() => setDialog("delete")}>
            Delete
          </button>
          <button type="button" className="btn btn-small btn-link" onClick={onDone}>
            Clear selection
          </button>
        </div>
      )}
      {result && !dialog && <Notice kind="success">{result}</Notice>}
      {error && !dialog && <Notice kind="error">{error}</Notice>}
      {dialog === "groups" && (
        <Modal
          title={`Assign groups to ${hostIds.length} host(s)`}
          onClose={close}
          footer={
            <>
              <button type="button" className="btn" onClick={close}>
                Cancel
              </button>
              <button type="button" className="btn btn-primary" disabled={busy} onClick={() => run(() => api.put("/hosts/bulk/groups", { hostIds, groupIds }))}>
                {busy ? "Saving…" : "Save"}
              </button>
            </>
          }
        >
          <p className="muted">The selected hosts' groups are replaced by the groups ticked here.</p>
          <GroupPicker selected={groupIds} onChange={setGroupIds} />
          {error && <Notice kind="error">{error}</Notice>}
        </Modal>
      )}
      {dialog === "delete" && (
        <ConfirmDialog
          title="Delete hosts"
          message={`Delete ${hostIds.length} host(s) and all their data? Their agents will stop being accepted.`}
          confirmLabel="Delete"
          danger
          busy={busy}
          error={error}
          onCancel={close}
          onConfirm={() => run(() => api.delete("/hosts/bulk", { hostIds }))}
        />
      )}
    </>
  );
}
