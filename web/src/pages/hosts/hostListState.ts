import type { QueryValue } from "../../api/client";

export const HOST_FILTERS = ["needsUpdates", "upToDate", "inactive", "awaitingData", "stale", "offline"] as const;
export type HostFilter = (typeof HOST_FILTERS)[number];

export const HOST_FILTER_LABELS: Record<HostFilter, string> = {
  needsUpdates: "Needs updates",
  upToDate: "Up to date",
  inactive: "Not reporting",
  awaitingData: "Awaiting data",
  stale: "Stale",
  offline: "Offline",
};

export const HOST_SORT_FIELDS = [
  "agent_version",
  "friendly_name",
  "group",
  "hostname",
  "integrations",
  "ip",
  "last_update",
  "needs_reboot",
  "notes",
  "os_type",
  "os_version",
  "security_updates",
  "ssg_version",
  "status",
  "updates",
  "uptime",
] as const;
export type HostSortField = (typeof HOST_SORT_FIELDS)[number];
export type SortOrder = "asc" | "desc";

export interface HostListState {
  search: string;
  group: string;
  os: string;
  filter: HostFilter | "";
  reboot: boolean;
  hideStale: boolean;
  sort: HostSortField;
  order: SortOrder;
}

export const DEFAULT_HOST_LIST_STATE: HostListState = {
  search: "",
  group: "",
  os: "",
  filter: "",
  reboot: false,
  hideStale: false,
  sort: "last_update",
  order: "desc",
};

function oneOf<T extends string>(value: string | null, allowed: readonly T[]): T | undefined {
  return value !== null && (allowed as readonly string[]).includes(value) ? (value as T) : undefined;
}

/** Reads the list state from the page URL; unknown or invalid values fall back to defaults. */
export function parseHostListState(params: URLSearchParams): HostListState {
  const d = DEFAULT_HOST_LIST_STATE;
  return {
    search: params.get("search") ?? d.search,
    group: params.get("group") ?? d.group,
    os: params.get("os") ?? d.os,
    filter: oneOf(params.get("filter"), HOST_FILTERS) ?? d.filter,
    reboot: params.get("reboot") === "true",
    hideStale: params.get("hideStale") === "true",
    sort: oneOf(params.get("sort"), HOST_SORT_FIELDS) ?? d.sort,
    order: oneOf(params.get("order"), ["asc", "desc"] as const) ?? d.order,
  };
}

/** Writes the state back into URL params, leaving defaults out so links stay short. */
export function hostListStateToParams(state: HostListState, base: URLSearchParams = new URLSearchParams()): URLSearchParams {
  const params = new URLSearchParams(base);
  const d = DEFAULT_HOST_LIST_STATE;
  const set = (key: string, value: string, fallback: string) => {
    if (value === fallback) params.delete(key);
    else params.set(key, value);
  };
  set("search", state.search, d.search);
  set("group", state.group, d.group);
  set("os", state.os, d.os);
  set("filter", state.filter, d.filter);
  set("reboot", String(state.reboot), String(d.reboot));
  set("hideStale", String(state.hideStale), String(d.hideStale));
  set("sort", state.sort, d.sort);
  set("order", state.order, d.order);
  return params;
}

/** Clicking a column: same column flips the order, a new column starts descending. */
export function toggleSort(state: HostListState, field: HostSortField): HostListState {
  if (state.sort === field) return { ...state, order: state.order === "asc" ? "desc" : "asc" };
  return { ...state, sort: field, order: field === "friendly_name" || field === "hostname" ? "asc" : "desc" };
}

/** The `offline` filter has no server-side predicate, so the server refuses it with `limit`. */
export function supportsPagination(state: HostListState): boolean {
  return state.filter !== "offline";
}

/** Query parameters for `GET /dashboard/hosts`. */
export function hostListApiQuery(state: HostListState, page?: { limit: number; offset: number }): Record<string, QueryValue> {
  return {
    search: state.search.trim() || undefined,
    group: state.group || undefined,
    os: state.os || undefined,
    filter: state.filter || undefined,
    reboot: state.reboot ? "true" : undefined,
    hideStale: state.hideStale ? "true" : undefined,
    sort: state.sort,
    order: state.order,
    limit: page?.limit,
    offset: page?.offset,
  };
}
