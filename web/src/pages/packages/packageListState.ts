import type { QueryValue } from "../../api/client";
import type { PackageStats } from "../../api/types";
import { PAGE_SIZES } from "../../components/Pagination";

/** Which packages the list shows; the names are PatchMon's `?filter=` deep-link values. */
export const PACKAGE_TABS = ["all", "outdated", "security", "regular"] as const;
export type PackageTab = (typeof PACKAGE_TABS)[number];

export const PACKAGE_TAB_LABELS: Record<PackageTab, string> = {
  all: "All packages",
  outdated: "Needs update",
  security: "Security",
  regular: "Regular updates",
};

export const PACKAGE_SORTS = ["name", "latestVersion", "packageHosts", "status"] as const;
export type PackageSort = (typeof PACKAGE_SORTS)[number];

export interface PackageListState {
  tab: PackageTab;
  search: string;
  /** 1-based. */
  page: number;
  pageSize: number;
  sort: PackageSort;
  order: "asc" | "desc";
  /** Only this host's packages (`?host=`). */
  host: string;
}

export const DEFAULT_PACKAGE_LIST_STATE: PackageListState = {
  tab: "all",
  search: "",
  page: 1,
  pageSize: 50,
  sort: "name",
  order: "asc",
  host: "",
};

/** Older links use these names for the same filters. */
const TAB_ALIASES: Record<string, PackageTab> = { "security-updates": "security", needsUpdate: "outdated", updates: "outdated" };

function oneOf<T extends string>(value: string | null, allowed: readonly T[]): T | undefined {
  return value !== null && (allowed as readonly string[]).includes(value) ? (value as T) : undefined;
}

function positiveInt(value: string | null): number | undefined {
  const n = Number(value);
  return value !== null && Number.isInteger(n) && n > 0 ? n : undefined;
}

export function parsePackageListState(params: URLSearchParams): PackageListState {
  const d = DEFAULT_PACKAGE_LIST_STATE;
  const filter = params.get("filter");
  const size = positiveInt(params.get("limit"));
  return {
    tab: oneOf(filter, PACKAGE_TABS) ?? (filter ? TAB_ALIASES[filter] : undefined) ?? d.tab,
    search: params.get("search") ?? d.search,
    page: positiveInt(params.get("page")) ?? d.page,
    pageSize: size !== undefined && (PAGE_SIZES as readonly number[]).includes(size) ? size : d.pageSize,
    sort: oneOf(params.get("sort"), PACKAGE_SORTS) ?? d.sort,
    order: oneOf(params.get("order"), ["asc", "desc"] as const) ?? d.order,
    host: params.get("host") ?? d.host,
  };
}

/** The state as URL params, defaults left out. */
export function packageListStateToParams(state: PackageListState): URLSearchParams {
  const d = DEFAULT_PACKAGE_LIST_STATE;
  const params = new URLSearchParams();
  if (state.tab !== d.tab) params.set("filter", state.tab);
  if (state.search) params.set("search", state.search);
  if (state.host) params.set("host", state.host);
  if (state.sort !== d.sort) params.set("sort", state.sort);
  if (state.order !== d.order) params.set("order", state.order);
  if (state.pageSize !== d.pageSize) params.set("limit", String(state.pageSize));
  if (state.page !== d.page) params.set("page", String(state.page));
  return params;
}

/** Any change but paging starts again at page 1. */
export function withChange(state: PackageListState, change: Partial<PackageListState>): PackageListState {
  return { ...state, page: 1, ...change };
}

/** Same column flips the order; a new one starts ascending for names, most first otherwise. */
export function toggleSort(state: PackageListState, sort: PackageSort): PackageListState {
  if (state.sort === sort) return withChange(state, { order: state.order === "asc" ? "desc" : "asc" });
  return withChange(state, { sort, order: sort === "name" ? "asc" : "desc" });
}

/** Query parameters for `GET /packages`. */
export function packageListApiQuery(state: PackageListState): Record<string, QueryValue> {
  return {
    page: state.page,
    limit: state.pageSize,
    search: state.search.trim() || undefined,
    needsUpdate: state.tab === "outdated" || state.tab === "regular" ? "true" : undefined,
    isSecurityUpdate: state.tab === "security" ? "true" : state.tab === "regular" ? "false" : undefined,
    host: state.host || undefined,
    sort: state.sort,
    order: state.order,
  };
}

export type PackageStatus = "security" | "update" | "current";

/** The most urgent state over the package's hosts. */
export function packageStatus(stats: PackageStats): PackageStatus {
  if (stats.securityUpdates > 0) return "security";
  if (stats.updatesNeeded > 0) return "update";
  return "current";
}

/** "N/M": N hosts need an update of the M hosts that have the package. */
export function affectedHosts(stats: PackageStats): { text: string; title: string } {
  const { updatesNeeded: n, totalInstalls: m } = stats;
  return { text: `${n}/${m}`, title: `${n} of ${m} host${m === 1 ? "" : "s"} with this package need${n === 1 ? "s" : ""} an update` };
}
