import { useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Link } from "react-router-dom";
import { api } from "../../api";
import { useHostGroups } from "../../api/queries";
import type { HostGroup } from "../../api/types";
import { usePermissions } from "../../auth/AuthProvider";
import { Icon } from "../../components/Icon";
import { ConfirmDialog, Modal } from "../../components/Modal";
import { EmptyState, ErrorState, errorText, Loading, Notice } from "../../components/States";
import { GroupChip } from "../../components/StatusBadge";

const DEFAULT_GROUP_COLOR = "#3B82F6";

interface GroupDraft {
  name: string;
  description: string;
  color: string;
}

function GroupForm({ group, onClose }: { group: HostGroup | null; onClose: () => void }) {
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState<GroupDraft>({
    name: group?.name ?? "",
    description: group?.description ?? "",
    color: group?.color ?? DEFAULT_GROUP_COLOR,
  });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const body = { name: draft.name.trim(), description: draft.description.trim(), color: draft.color };
    try {
      if (group) await api.put(`/host-groups/${group.id}`, body);
      else await api.post("/host-groups", body);
      void queryClient.invalidateQueries({ queryKey: ["host-groups"] });
      onClose();
    } catch (err) {
      setError(errorText(err));
      setBusy(false);
    }
  };

  return (
    <Modal
      title={group ? "Edit host group" : "New host group"}
      onClose={onClose}
      footer={
        <>
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" form="group-form" className="btn btn-primary" disabled={busy || !draft.name.trim()}>
            {busy ? "Saving…" : "Save"}
          </button>
        </>
      }
    >
      <form id="group-form" className="form" onSubmit={submit}>
        <div className="form-field">
          <label htmlFor="group-name">Name</label>
          <input id="group-name" required value={draft.name} onChange={(event) => setDraft({ ...draft, name: event.target.value })} />
        </div>
        <div className="form-field">
          <label htmlFor="group-description">Description</label>
          <textarea id="group-description" rows={3} value={draft.description} onChange={(event) => setDraft({ ...draft, description: event.target.value })} />
        </div>
        <div className="form-field">
          <label htmlFor="group-color">Colour</label>
          <div className="actions">
            <input id="group-color" type="color" value={draft.color} onChange={(event) => setDraft({ ...draft, color: event.target.value.toUpperCase() })} />
            <code>{draft.color}</code>
            <GroupChip name={draft.name || "Preview"} color={draft.color} />
          </div>
        </div>
        {error && <Notice kind="error">{error}</Notice>}
      </form>
    </Modal>
  );
}

export default function HostGroupsPage() {
  const permissions = usePermissions();
  const queryClient = useQueryClient();
  const groups = useHostGroups();
  const [editing, setEditing] = useState<HostGroup | "new" | null>(null);
  const [deleting, setDeleting] = useState<HostGroup | null>(null);
  const [deleteBusy, setDeleteBusy] = useState(false);
  const [deleteError, setDeleteError] = useState<string | null>(null);
  const canManage = permissions.can_manage_hosts;

  const confirmDelete = async () => {
    if (!deleting) return;
    setDeleteBusy(true);
    setDeleteError(null);
    try {
      await api.delete(`/host-groups/${deleting.id}`);
      void queryClient.invalidateQueries({ queryKey: ["host-groups"] });
      void queryClient.invalidateQueries({ queryKey: ["hosts"] });
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
        <h1>Host groups</h1>
        {canManage && (
          <button type="button" className="btn btn-primary" onClick={() => setEditing("new")}>
            <Icon name="plus" /> New group
          </button>
        )}
      </div>
      {groups.isLoading ? (
        <Loading />
      ) : groups.isError ? (
        <ErrorState error={groups.error} onRetry={() => void groups.refetch()} />
      ) : !groups.data?.length ? (
        <EmptyState title="No host groups yet">Groups organise hosts (by environment, team or role) and filter the host list.</EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th>Group</th>
                <th>Description</th>
                <th>Hosts</th>
                {canManage && <th aria-label="Actions" />}
              </tr>
            </thead>
            <tbody>
              {groups.data.map((group) => (
                <tr key={group.id}>
                  <td>
                    <GroupChip name={group.name} color={group.color} />
                  </td>
                  <td>{group.description || <span className="muted">—</span>}</td>
                  <td>
                    <Link to={`/hosts?group=${encodeURIComponent(group.id)}`}>{group._count?.hosts ?? 0}</Link>
                  </td>
                  {canManage && (
                    <td>
                      <div className="actions">
                        <button type="button" className="btn btn-small" onClick={() => setEditing(group)}>
                          Edit
                        </button>
                        <button type="button" className="btn btn-small btn-danger" onClick={() => { setDeleteError(null); setDeleting(group); }}>
                          Delete
                        </button>
                      </div>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {editing && <GroupForm group={editing === "new" ? null : editing} onClose={() => setEditing(null)} />}
      {deleting && (
        <ConfirmDialog
          title="Delete host group"
          message={`Delete the group “${deleting.name}”? Hosts in it are kept but lose this membership.`}
          confirmLabel="Delete group"
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
