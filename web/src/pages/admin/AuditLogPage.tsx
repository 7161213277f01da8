import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { api } from "../../api";
import { ApiError } from "../../api/client";
import type { AuditLogEntry } from "../../api/types";
import { usePermissions } from "../../auth/AuthProvider";
import { EmptyState, ErrorState, Loading } from "../../components/States";
import { formatDateTime } from "../../lib/format";

const PAGE_SIZE = 50;

interface AssignableUser {
  id: string;
  username: string;
}

export default function AuditLogPage() {
  const permissions = usePermissions();
  const [offset, setOffset] = useState(0);
  const [action, setAction] = useState("");
  const [userId, setUserId] = useState("");
  const log = useQuery({
    queryKey: ["audit-log", offset, action, userId],
    queryFn: () => api.get<{ items: AuditLogEntry[]; total: number }>("/audit-log", { query: { limit: PAGE_SIZE, offset, action, user_id: userId } }),
    placeholderData: keepPreviousData,
  });
  const users = useQuery({
    queryKey: ["users-for-assignment"],
    queryFn: async () => (await api.get<{ data: AssignableUser[] }>("/auth/users/for-assignment")).data,
    enabled: permissions.can_view_users,
  });

  const total = log.data?.total ?? 0;
  return (
    <div className="page">
      <div className="page-header">
        <h1>Audit log</h1>
        {log.isSuccess && <span className="muted">{total} event(s)</span>}
      </div>
      <div className="toolbar">
        <input
          type="search"
          aria-label="Filter by action"
          placeholder="Action (e.g. login_success)"
          value={action}
          onChange={(event) => {
            setOffset(0);
            setAction(event.target.value.trim());
          }}
        />
        {permissions.can_view_users && (
          <select
            aria-label="Filter by user"
            value={userId}
            onChange={(event) => {
              setOffset(0);
              setUserId(event.target.value);
            }}
          >
            <option value="">All users</option>
            {(users.data ?? []).map((user) => (
              <option key={user.id} value={user.id}>
                {user.username}
              </option>
            ))}
          </select>
        )}
      </div>
      {log.isLoading ? (
        <Loading />
      ) : log.isError ? (
        log.error instanceof ApiError && log.error.status === 404 ? (
          <EmptyState title="The audit log is not available on this server yet" />
        ) : (
          <ErrorState error={log.error} onRetry={() => void log.refetch()} />
        )
      ) : !log.data?.items.length ? (
        <EmptyState title="No events recorded" />
      ) : (
        <>
          <div className="table-wrap">
            <table className="table">
              <thead>
                <tr>
                  <th>Time</th>
                  <th>User</th>
                  <th>Action</th>
                  <th>Target</th>
                  <th>IP</th>
                  <th>Details</th>
                </tr>
              </thead>
              <tbody>
                {log.data.items.map((entry) => (
                  <tr key={entry.id}>
                    <td>{formatDateTime(entry.created_at)}</td>
                    <td>{entry.username ?? entry.user_id ?? <span className="muted">system</span>}</td>
                    <td>
                      <code>{entry.action}</code>
                    </td>
                    <td>{entry.target_type ? `${entry.target_type}${entry.target_id ? ` ${entry.target_id}` : ""}` : "—"}</td>
                    <td>{entry.ip_address ?? "—"}</td>
                    <td>
                      {entry.details != null && entry.details !== "" ? (
                        <details>
                          <summary>View</summary>
                          <pre className="small" style={{ whiteSpace: "pre-wrap", margin: 0 }}>
                            {typeof entry.details === "string" ? entry.details : JSON.stringify(entry.details, null, 2)}
                          </pre>
                        </details>
                      ) : (
                        "—"
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <div className="pagination">
            <span className="muted">
              {offset + 1}–{offset + log.data.items.length} of {total}
            </span>
            <button type="button" className="btn btn-small" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE_SIZE))}>
              Previous
            </button>
            <button type="button" className="btn btn-small" disabled={offset + PAGE_SIZE >= total} onClick={() => setOffset(offset + PAGE_SIZE)}>
              Next
            </button>
          </div>
        </>
      )}
    </div>
  );
}
