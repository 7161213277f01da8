import type { QueryValue } from "../../api/client";

export const REPO_SORTS = ["name", "url", "distribution", "security", "status", "hostCount"] as const;
export type RepoSort = (typeof REPO_SORTS)[number];

export interface RepositoryListState {
  search: string;
  /** `secure` = HTTPS only, `insecure` = HTTP only. */
  security: "" | "secure" | "insecure";
  status: "" | "active" | "inactive";
  /** Only repositories this host uses (`?host=`). */
  host: string;
  sort: RepoSort;
  order: "asc" | "desc";
  /** 1-based. */
  page: number;
}

export const DEFAULT_REPOSITORY_LIST_STATE: RepositoryListState = { search: "", security: "", status: "", host: "", sort: "name", order: "asc", page: 1 };

export const REPOSITORY_PAGE_SIZE = 50;

function oneOf<T extends string>(value: string | null, allowed: readonly T[]): T | undefined {
  return value !== null && (allowed as readonly string[]).includes(value) ? (value as T) : undefined;
}

export function parseRepositoryListState(params: URLSearchParams): RepositoryListState {
  const d = DEFAULT_REPOSITORY_LIST_STATE;
  const page = Number(params.get("page"));
  return {
    search: params.get("search") ?? d.search,
    security: oneOf(params.get("type"), ["secure", "insecure"] as const) ?? d.security,
    status: oneOf(params.get("status"), ["active", "inactive"] as const) ?? d.status,
    host: params.get("host") ?? d.host,
    sort: oneOf(params.get("sort"), REPO_SORTS) ?? d.sort,
    order: oneOf(params.get("order"), ["asc", "desc"] as const) ?? d.order,
    page: Number.isInteger(page) && page > 0 ? page : d.page,
  };
}

export function repositoryListStateToParams(state: RepositoryListState): URLSearchParams {
  const d = DEFAULT_REPOSITORY_LIST_STATE;
  const params = new URLSearchParams();
  if (state.search) params.set("search", state.search);
  if (state.security) params.set("type", state.security);
  if (state.status) params.set("status", state.status);
  if (state.host) params.set("host", state.host);
  if (state.sort !== d.sort) params.set("sort", state.sort);
  if (state.order !== d.order) params.set("order", state.order);
  if (state.page !== d.page) params.set("page", String(state.page));
  return params;
}

/** Query parameters for `GET /repositories` (the paged envelope form). */
export function repositoryListApiQuery(state: RepositoryListState): Record<string, QueryValue> {
  return {
    search: state.search.trim() || undefined,
    type: state.security || undefined,
    status: state.status || undefined,
    host: state.host || undefined,
    sort: state.sort,
    order: state.order,
    limit: REPOSITORY_PAGE_SIZE,
    offset: (state.page - 1) * REPOSITORY_PAGE_SIZE,
  };
}

/** Debian-family names carry a `deb-` / `deb-src-` prefix that says nothing useful on screen. */
export function repositoryDisplayName(name: string): string {
  return name.replace(/^deb(-src)?-/, "") || name;
}
