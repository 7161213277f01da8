import { useQuery } from "@tanstack/react-query";
import { api } from "../../../api";
import { useEndpoint } from "../../../api/capabilities";
import type { Host, HostDetail } from "../../../api/types";
import { KeyValueList } from "../../../components/KeyValueList";
import { Badge, GroupChip, StatusBadge } from "../../../components/StatusBadge";
import { formatDateTime, formatOs, formatRelative } from "../../../lib/format";

interface AgentConnection {
  connected: boolean;
  secure: boolean;
  disconnected_seconds_ago: number | null;
}

/** Live WebSocket state of the agent, from the server's in-memory registry. */
function AgentConnectionBadge({ apiId }: { apiId: string }) {
  const endpoint = useEndpoint("GET", "/ws/status/{apiId}");
  const query = useQuery({
    queryKey: ["ws-status", apiId],
    queryFn: async () => (await api.get<{ data: AgentConnection }>(`/ws/status/${encodeURIComponent(apiId)}`)).data,
    refetchInterval: 30_000,
    enabled: endpoint === "available",
  });
  if (endpoint === "missing") return <span className="muted">Not available</span>;
  if (!query.data) return <span className="muted">{query.isError ? "Unknown" : "…"}</span>;
  if (query.data.connected) return <Badge tone="ok">{query.data.secure ? "Connected (TLS)" : "Connected"}</Badge>;
  return <Badge tone="warn">Disconnected</Badge>;
}

export function OverviewTab({ host, detail }: { host: Host; detail?: HostDetail }) {
  const stats = detail?.stats;
  return (
    <div className="stack">
      {stats && (
        <div className="grid-cards">
          <div className="card stat-card">
            <span className="stat-value">{stats.total_packages}</span>
            <span className="stat-label">Installed packages</span>
          </div>
          <div className="card stat-card">
            <span className="stat-value">{stats.outdated_packages}</span>
            <span className="stat-label">Outdated packages</span>
          </div>
          <div className="card stat-card">
            <span className="stat-value">{stats.security_updates}</span>
            <span className="stat-label">Security updates</span>
          </div>
        </div>
      )}
      <div className="card">
        <KeyValueList
          entries={[
            ["Status", <StatusBadge status={host.effective_status || host.status} />],
            ["Agent connection", <AgentConnectionBadge apiId={host.api_id} />],
            ["Hostname", host.hostname],
            ["IP address", host.ip],
            ["Operating system", formatOs(host.os_type, host.os_version)],
            ["Agent version", host.agent_version],
            ["Last update", host.last_update ? `${formatRelative(host.last_update)} (${formatDateTime(host.last_update)})` : null],
            ["Added", formatDateTime(host.created_at)],
            ["Needs reboot", host.needs_reboot ? `Yes${detail?.reboot_reason ? ` — ${detail.reboot_reason}` : ""}` : "No"],
            ["Agent auto-update", host.auto_update],
            ["API ID", <code>{host.api_id}</code>],
            [
              "Groups",
              host.host_group_memberships.length ? (
                <span className="actions">
                  {host.host_group_memberships.map((group) => (
                    <GroupChip key={group.id} name={group.name} color={group.color} />
                  ))}
                </span>
              ) : null,
            ],
          ]}
        />
      </div>
    </div>
  );
}
