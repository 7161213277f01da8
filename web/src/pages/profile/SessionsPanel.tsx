import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { api } from "../../api";
import type { Session, TrustedDevice } from "../../api/types";
import { EmptyState, ErrorState, errorText, Loading, Notice } from "../../components/States";
import { Badge } from "../../components/StatusBadge";
import { formatDateTime, formatRelative } from "../../lib/format";

function useAction(invalidate: string[]) {
  const queryClient = useQueryClient();
  const [message, setMessage] = useState<{ kind: "error" | "success"; text: string } | null>(null);
  const run = async (action: () => Promise<{ message?: string }>) => {
    setMessage(null);
    try {
      const result = await action();
      setMessage({ kind: "success", text: result.message ?? "Done" });
      void queryClient.invalidateQueries({ queryKey: invalidate });
    } catch (err) {
      setMessage({ kind: "error", text: errorText(err) });
    }
  };
  return { message, run };
}

export function SessionsPanel() {
  const sessions = useQuery({ queryKey: ["sessions"], queryFn: async () => (await api.get<{ sessions: Session[] }>("/auth/sessions")).sessions });
  const { message, run } = useAction(["sessions"]);
  if (sessions.isLoading) return <Loading />;
  if (sessions.isError) return <ErrorState error={sessions.error} onRetry={() => void sessions.refetch()} />;
  const list = sessions.data ?? [];
  const others = list.filter((session) => !session.is_current_session).length;
  return (
    <div className="stack">
      <div className="actions">
        <button type="button" className="btn btn-danger" disabled={others === 0} onClick={() => run(() => api.delete("/auth/sessions"))}>
          Revoke all other sessions
        </button>
      </div>
      {message && <Notice kind={message.kind}>{message.text}</Notice>}
      {list.length === 0 ? (
        <EmptyState title="No active sessions" />
      ) : (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th>Device</th>
                <th>IP / location</th>
                <th>Last active</th>
                <th>Signed in</th>
                <th aria-label="Actions" />
              </tr>
            </thead>
            <tbody>
              {list.map((session) => (
                <tr key={session.id}>
                  <td>
                    {session.device_info ? `${session.device_info.browser} on ${session.device_info.os}` : session.user_agent}
                    {session.is_current_session && (
                      <>
                        {" "}
                        <Badge tone="ok">This session</Badge>
                      </>
                    )}
                  </td>
                  <td>
                    {session.ip_address}
                    {session.location_info && <div className="muted small">{session.location_info.city}</div>}
                  </td>
                  <td>{formatRelative(session.last_activity)}</td>
                  <td>{formatDateTime(session.created_at)}</td>
                  <td>
                    {!session.is_current_session && (
                      <button type="button" className="btn btn-small btn-danger" onClick={() => run(() => api.delete(`/auth/sessions/${session.id}`))}>
                        Revoke
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

export function TrustedDevicesPanel() {
  const devices = useQuery({
    queryKey: ["trusted-devices"],
    queryFn: async () => (await api.get<{ trusted_devices: TrustedDevice[] }>("/auth/trusted-devices")).trusted_devices,
  });
  const { message, run } = useAction(["trusted-devices"]);
  if (devices.isLoading) return <Loading />;
  if (devices.isError) return <ErrorState error={devices.error} onRetry={() => void devices.refetch()} />;
  const list = devices.data ?? [];
  return (
    <div className="stack">
      <p className="muted">Trusted devices skip the two-factor prompt when you sign in (“Remember this device”).</p>
      <div className="actions">
        <button type="button" className="btn btn-danger" disabled={list.length === 0} onClick={() => run(() => api.delete("/auth/trusted-devices"))}>
          Revoke all trusted devices
        </button>
      </div>
      {message && <Notice kind={message.kind}>{message.text}</Notice>}
      {list.length === 0 ? (
        <EmptyState title="No trusted devices" />
      ) : (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th>Device</th>
                <th>IP</th>
                <th>Last used</th>
                <th>Expires</th>
                <th aria-label="Actions" />
              </tr>
            </thead>
            <tbody>
              {list.map((device) => (
                <tr key={device.id}>
                  <td>
                    {device.label}
                    {device.is_current && (
                      <>
                        {" "}
                        <Badge tone="ok">This device</Badge>
                      </>
                    )}
                  </td>
                  <td>{device.ip_address}</td>
                  <td>{formatRelative(device.last_used_at)}</td>
                  <td>{formatDateTime(device.expires_at)}</td>
                  <td>
                    <button type="button" className="btn btn-small btn-danger" onClick={() => run(() => api.delete(`/auth/trusted-devices/${device.id}`))}>
                      Revoke
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
