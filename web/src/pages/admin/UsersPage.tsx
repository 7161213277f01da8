import { keepPreviousData, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { api } from "../../api";
import type { AdminUser, PageEnvelope } from "../../api/types";
import { useAuth } from "../../auth/AuthProvider";
import { Icon } from "../../components/Icon";
import { ConfirmDialog } from "../../components/Modal";
import { EmptyState, ErrorState, errorText, Loading } from "../../components/States";
import { Badge } from "../../components/StatusBadge";
import { displayName, formatRelative } from "../../lib/format";
import { ResetPasswordDialog, UserFormDialog } from "./UserDialogs";
import { roleNames, useRoles } from "./useRoles";

const PAGE_SIZE = 50;

type Dialog = { kind: "create" } | { kind: "edit" | "reset" | "delete"; user: AdminUser } | null;

export default function UsersPage() {
  const { permissions, user: me } = useAuth();
  const queryClient = useQueryClient();
  const canManage = permissions.can_manage_users;
  const [page, setPage] = useState(1);
  const [dialog, setDialog] = useState<Dialog>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const users = useQuery({
    queryKey: ["admin-users", page],
    queryFn: () => api.get<PageEnvelope<AdminUser>>("/auth/admin/users", { query: { page, pageSize: PAGE_SIZE } }),
    placeholderData: keepPreviousData,
  });
  const roles = useRoles(canManage);

  const deleteUser = async (user: AdminUser) => {
    setBusy(true);
    setError(null);
    try {
      await api.delete(`/auth/admin/users/${user.id}`);
      void queryClient.invalidateQueries({ queryKey: ["admin-users"] });
      setDialog(null);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  const pagination = users.data?.pagination;
  return (
    <div className="page">
      <div className="page-header">
        <h1>Users</h1>
        {canManage && (
          <button type="button" className="btn btn-primary" onClick={() => setDialog({ kind: "create" })}>
            <Icon name="plus" /> New user
          </button>
        )}
      </div>
      {users.isLoading ? (
        <Loading />
      ) : users.isError ? (
        <ErrorState error={users.error} onRetry={() => void users.refetch()} />
      ) : !users.data?.data.length ? (
        <EmptyState title="No users" />
      ) : (
        <>
          <div className="table-wrap">
            <table className="table">
              <thead>
                <tr>
                  <th>User</th>
                  <th>Email</th>
                  <th>Role</th>
                  <th>Status</th>
                  <th>Last login</th>
                  {canManage && <th aria-label="Actions" />}
                </tr>
              </thead>
              <tbody>
                {users.data.data.map((user) => (
                  <tr key={user.id}>
                    <td>
                      <strong>{displayName(user)}</strong>
                      <div className="muted small">{user.username}</div>
                    </td>
                    <td>{user.email}</td>
                    <td>
                      <Badge tone="info">{user.role}</Badge>
                    </td>
                    <td>{user.is_active ? <Badge tone="ok">Active</Badge> : <Badge tone="danger">Inactive</Badge>}</td>
                    <td>{formatRelative(user.last_login)}</td>
                    {canManage && (
                      <td>
                        <div className="actions">
                          <button type="button" className="btn btn-small" onClick={() => setDialog({ kind: "edit", user })}>
                            Edit
                          </button>
                          <button type="button" className="btn btn-small" disabled={!user.is_active} onClick={() => setDialog({ kind: "reset", user })}>
                            Reset password
                          </button>
                          <button type="button" className="btn btn-small btn-danger" disabled={user.id === me?.id} onClick={() => { setError(null); setDialog({ kind: "delete", user }); }}>
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
          {pagination && pagination.totalPages > 1 && (
            <div className="pagination">
              <span className="muted">
                Page {pagination.page} of {pagination.totalPages} ({pagination.total} users)
              </span>
              <button type="button" className="btn btn-small" disabled={page <= 1} onClick={() => setPage(page - 1)}>
                Previous
              </button>
              <button type="button" className="btn btn-small" disabled={page >= pagination.totalPages} onClick={() => setPage(page + 1)}>
                Next
              </button>
            </div>
          )}
        </>
      )}
      {dialog?.kind === "create" && <UserFormDialog user={null} roles={roleNames(roles.data)} onClose={() => setDialog(null)} />}
      {dialog?.kind === "edit" && <UserFormDialog user={dialog.user} roles={roleNames(roles.data)} onClose={() => setDialog(null)} />}
      {dialog?.kind === "reset" && <ResetPasswordDialog user={dialog.user} onClose={() => setDialog(null)} />}
      {dialog?.kind === "delete" && (
        <ConfirmDialog
          title="Delete user"
          message={`Delete ${dialog.user.username}? This cannot be undone.`}
          confirmLabel="Delete user"
          danger
          busy={busy}
          error={error}
          onCancel={() => setDialog(null)}
          onConfirm={() => deleteUser(dialog.user)}
        />
      )}
    </div>
  );
}
