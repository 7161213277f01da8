import { useQuery } from "@tanstack/react-query";
import { Link } from "react-router-dom";
import { api } from "../../api";
import { useHostGroups } from "../../api/queries";
import type { Host } from "../../api/types";
import { usePermissions } from "../../auth/AuthProvider";
import { Notice } from "../../components/States";

/** Host count from the cheapest list the caller may read: one admin-list row, or the plain list. */
function useHostCount(canManageHosts: boolean, enabled: boolean) {
  return useQuery({
    queryKey: ["hosts", "count", canManageHosts],
    queryFn: async () => {
      if (canManageHosts) {
        const page = await api.get<{ pagination: { total: number } }>("/hosts/admin/list", { query: { pageSize: 1 } });
        return page.pagination.total;
      }
      return (await api.get<Host[]>("/hosts")).length;
    },
    enabled,
  });
}

function CountCard({ label, value, to }: { label: string; value: number | undefined; to: string }) {
  return (
    <Link to={to} className="card stat-card">
      <span className="stat-value">{value ?? "…"}</span>
      <span className="stat-label">{label}</span>
    </Link>
  );
}

/** The dashboard on a server without `/dashboard/stats`: the counts this server can give. */
export function HostSummary() {
  const permissions = usePermissions();
  const hosts = useHostCount(permissions.can_manage_hosts, permissions.can_view_hosts);
  const groups = useHostGroups(permissions.can_view_hosts);
  return (
    <div className="stack">
      <Notice kind="info">Package and update statistics are not available on this server yet.</Notice>
      {permissions.can_view_hosts && (
        <div className="grid-cards" aria-label="Summary">
          <CountCard label="Hosts" value={hosts.data} to="/hosts" />
          <CountCard label="Host groups" value={groups.data?.length} to="/host-groups" />
        </div>
      )}
    </div>
  );
}
