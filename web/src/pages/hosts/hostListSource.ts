import { api } from "../../api";
import type { EndpointState } from "../../api/capabilities";
import type { Host, HostListItem, Paged } from "../../api/types";
import { hostListApiQuery, supportsPagination, type HostListState, type HostSortField } from "./hostListState";

/**
 * Where the host list comes from. `dashboard` (`GET /dashboard/hosts`) has package counts and
 * every filter; servers without it fall back to `admin` (`GET /hosts/admin/list`, paginated,
 * needs can_manage_hosts) or `basic` (`GET /hosts`, everything at once, filtered here).
 */
export type HostListSource = "dashboard" | "admin" | "basic";

export const PAGE_SIZE = 500;

/** Sort fields `GET /hosts/admin/list` accepts; the basic list sorts the same fields in the browser. */
const PLAIN_SORT_FIELDS: readonly HostSortField[] = ["friendly_name", "hostname", "ip", "os_type", "os_version", "status", "last_update", "agent_version"];

export function chooseHostListSource(dashboardHosts: EndpointState, canManageHosts: boolean): HostListSource {
  if (dashboardHosts === "available") return "dashboard";
  return canManageHosts ? "admin" : "basic";
}

export function canSortBy(source: HostListSource, field: HostSortField): boolean {
  return source === "dashboard" || PLAIN_SORT_FIELDS.includes(field);
}

/** The host as a list row: `/hosts` returns flat group references and no package counts. */
export function hostToListItem(host: Host): HostListItem {
  return {
    id: host.id,
    friendly_name: host.friendly_name,
    hostname: host.hostname,
    ip: host.ip,
    os_type: host.os_type,
    os_version: host.os_version,
    status: host.status,
    effectiveStatus: host.effective_status,
    agent_version: host.agent_version,
    api_id: host.api_id,
    needs_reboot: host.needs_reboot,
    notes: host.notes,
    system_uptime: host.system_uptime,
    last_update: host.last_update,
    docker_enabled: host.docker_enabled,
    compliance_enabled: host.compliance_enabled,
    host_group_memberships: host.host_group_memberships.map((group) => ({ host_groups: group })),
  };
}

function matchesPlainFilters(host: Host, state: HostListState): boolean {
  const needle = state.search.trim().toLowerCase();
  if (needle && ![host.friendly_name, host.hostname, host.ip].some((value) => value?.toLowerCase().includes(needle))) return false;
  if (state.group === "ungrouped" && host.host_group_memberships.length > 0) return false;
  if (state.group && state.group !== "ungrouped" && !host.host_group_memberships.some((group) => group.id === state.group)) return false;
  if (state.os && host.os_type !== state.os) return false;
  return true;
}

function compareBy(field: HostSortField): (a: Host, b: Host) => number {
  const key = (PLAIN_SORT_FIELDS.includes(field) ? field : "friendly_name") as keyof Host;
  return (a, b) => String(a[key] ?? "").localeCompare(String(b[key] ?? ""), undefined, { numeric: true, sensitivity: "base" });
}

async function fetchDashboardPage(state: HostListState, offset: number): Promise<Paged<HostListItem>> {
  if (!supportsPagination(state)) {
    const all = await api.get<HostListItem[]>("/dashboard/hosts", { query: hostListApiQuery(state) });
    return { items: all, total: all.length, limit: all.length, offset: 0 };
  }
  return api.get<Paged<HostListItem>>("/dashboard/hosts", { query: hostListApiQuery(state, { limit: PAGE_SIZE, offset }) });
}

async function fetchAdminPage(state: HostListState, offset: number): Promise<Paged<HostListItem>> {
  const result = await api.get<{ data: Host[]; pagination: { total: number } }>("/hosts/admin/list", {
    query: {
      search: state.search.trim() || undefined,
      group: state.group || undefined,
      os: state.os || undefined,
      sort: canSortBy("admin", state.sort) ? state.sort : undefined,
      order: state.order,
      page: Math.floor(offset / PAGE_SIZE) + 1,
      pageSize: PAGE_SIZE,
    },
  });
  return { items: result.data.map(hostToListItem), total: result.pagination.total, limit: PAGE_SIZE, offset };
}

async function fetchBasicList(state: HostListState): Promise<Paged<HostListItem>> {
  const hosts = (await api.get<Host[]>("/hosts")).filter((host) => matchesPlainFilters(host, state)).sort(compareBy(state.sort));
  if (state.order === "desc") hosts.reverse();
  return { items: hosts.map(hostToListItem), total: hosts.length, limit: hosts.length, offset: 0 };
}

export function fetchHostPage(source: HostListSource, state: HostListState, offset: number): Promise<Paged<HostListItem>> {
  if (source === "dashboard") return fetchDashboardPage(state, offset);
  if (source === "admin") return fetchAdminPage(state, offset);
  return fetchBasicList(state);
}
