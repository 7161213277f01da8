import { useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { api } from "../../api";
import { PERMISSION_FLAGS, type Permissions, type RoleObject } from "../../api/types";
import { usePermissions } from "../../auth/AuthProvider";
import { NO_PERMISSIONS, permissionLabel, toPermissions } from "../../auth/permissions";
import { Icon } from "../../components/Icon";
import { ConfirmDialog, Modal } from "../../components/Modal";
import { EmptyState, ErrorState, errorText, Loading, Notice } from "../../components/States";
import { BUILT_IN_ROLES, READ_ONLY_ROLES, useRoles } from "./useRoles";

const ROLE_NAME_PATTERN = /^[a-z][a-z0-9_]{1,49}$/;

function NewRoleDialog({ existing, onClose, onCreate }: { existing: string[]; onClose: () => void; onCreate: (name: string) => void }) {
  const [name, setName] = useState("");
  const valid = ROLE_NAME_PATTERN.test(name) && !existing.includes(name);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (valid) onCreate(name);
  };
  return (
    <Modal
      title="New role"
      onClose={onClose}
      footer={
        <>
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" form="role-form" className="btn btn-primary" disabled={!valid}>
            Continue
          </button>
        </>
      }
    >
      <form id="role-form" className="form" onSubmit={submit}>
        <div className="form-field">
          <label htmlFor="role-name">Role name</label>
          <input id="role-name" value={name} onChange={(event) => setName(event.target.value.toLowerCase())} placeholder="compliance_auditor" />
          <p className="help">Lowercase letters, digits and underscores. Tick its permissions in the matrix, then save.</p>
          {existing.includes(name) && <p className="field-error">A role with this name exists.</p>}
        </div>
      </form>
    </Modal>
  );
}

export default function RolesPage() {
  const permissions = usePermissions();
  const canEdit = permissions.can_manage_settings;
  const queryClient = useQueryClient();
  const roles = useRoles(true);
  const [drafts, setDrafts] = useState<Record<string, Permissions>>({});
  const [newRoles, setNewRoles] = useState<string[]>([]);
  const [creating, setCreating] = useState(false);
  const [deleting, setDeleting] = useState<string | null>(null);
  const [busyRole, setBusyRole] = useState<string | null>(null);
  const [message, setMessage] = useState<{ kind: "error" | "success"; text: string } | null>(null);

  if (roles.isLoading) return <Loading />;
  if (roles.isError) return <ErrorState error={roles.error} onRetry={() => void roles.refetch()} />;

  const serverRoles: RoleObject[] = roles.data ?? [];
  const columns = [...serverRoles.map((role) => role.role), ...newRoles.filter((name) => !serverRoles.some((role) => role.role === name))];
  const stored = (name: string): Permissions => {
    const role = serverRoles.find((r) => r.role === name);
    return role ? toPermissions(role) : NO_PERMISSIONS;
  };
  const current = (name: string) => drafts[name] ?? stored(name);
  const editable = (name: string) => canEdit && !READ_ONLY_ROLES.has(name);
  const isDirty = (name: string) => drafts[name] !== undefined || newRoles.includes(name);

  const toggle = (name: string, flag: (typeof PERMISSION_FLAGS)[number]) => setDrafts({ ...drafts, [name]: { ...current(name), [flag]: !current(name)[flag] } });

  const finish = async (name: string, action: () => Promise<{ message?: string }>) => {
    setBusyRole(name);
    setMessage(null);
    try {
      const result = await action();
      setMessage({ kind: "success", text: result.message ?? "Saved" });
      const { [name]: _discarded, ...rest } = drafts;
      setDrafts(rest);
      setNewRoles(newRoles.filter((role) => role !== name));
      await queryClient.invalidateQueries({ queryKey: ["roles"] });
    } catch (err) {
      setMessage({ kind: "error", text: errorText(err) });
    } finally {
      setBusyRole(null);
    }
  };

  return (
    <div className="page">
      <div className="page-header">
        <h1>Roles</h1>
        {canEdit && (
          <button type="button" className="btn btn-primary" onClick={() => setCreating(true)}>
            <Icon name="plus" /> New role
          </button>
        )}
      </div>
      <p className="muted">
        Built-in roles superadmin, admin and user cannot be changed. {!canEdit && "You need the “Manage settings” permission to edit roles."}
      </p>
      {message && <Notice kind={message.kind}>{message.text}</Notice>}
      {columns.length === 0 ? (
        <EmptyState title="No roles" />
      ) : (
        <div className="table-wrap">
          <table className="table perm-matrix">
            <thead>
              <tr>
                <th>Permission</th>
                {columns.map((name) => (
                  <th key={name} scope="col">
                    <div>{name}</div>
                    {editable(name) && (
                      <div className="actions" style={{ justifyContent: "center", marginTop: "0.3rem" }}>
                        <button
                          type="button"
                          className="btn btn-small btn-primary"
                          disabled={!isDirty(name) || busyRole === name}
                          onClick={() => finish(name, () => api.put(`/permissions/roles/${encodeURIComponent(name)}`, current(name)))}
                        >
                          Save
                        </button>
                        {!BUILT_IN_ROLES.includes(name) && !newRoles.includes(name) && (
                          <button type="button" className="btn btn-small btn-danger" disabled={busyRole === name} onClick={() => setDeleting(name)}>
                            Delete
                          </button>
                        )}
                      </div>
                    )}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {PERMISSION_FLAGS.map((flag) => (
                <tr key={flag}>
                  <th scope="row" style={{ textTransform: "none", letterSpacing: 0, fontSize: "0.9rem" }}>
                    {permissionLabel(flag)}
                  </th>
                  {columns.map((name) => (
                    <td key={name}>
                      <input type="checkbox" aria-label={`${name}: ${permissionLabel(flag)}`} checked={current(name)[flag]} disabled={!editable(name)} onChange={() => toggle(name, flag)} />
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {creating && (
        <NewRoleDialog
          existing={columns}
          onClose={() => setCreating(false)}
          onCreate={(name) => {
            setNewRoles([...newRoles, name]);
            setDrafts({ ...drafts, [name]: { ...NO_PERMISSIONS, can_view_dashboard: true } });
            setCreating(false);
          }}
        />
      )}
      {deleting && (
        <ConfirmDialog
          title="Delete role"
          message={`Delete the role “${deleting}”? Roles still assigned to users cannot be deleted.`}
          confirmLabel="Delete role"
          danger
          busy={busyRole === deleting}
          onCancel={() => setDeleting(null)}
          onConfirm={() => {
            const name = deleting;
            setDeleting(null);
            void finish(name, () => api.delete(`/permissions/roles/${encodeURIComponent(name)}`));
          }}
        />
      )}
    </div>
  );
}
