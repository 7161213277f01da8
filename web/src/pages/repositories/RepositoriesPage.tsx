import { keepPreviousData, useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useMemo, useState } from "react";
import { Link, useSearchParams } from "react-router-dom";
import { api } from "../../api";
import type { Host, RepositoryListItem } from "../../api/types";
import { usePermissions } from "../../auth/AuthProvider";
import { ConfirmDialog } from "../../components/Modal";
import { Pagination } from "../../components/Pagination";
import { SearchInput } from "../../components/SearchInput";
import { EmptyState, ErrorState, errorText, Loading } from "../../components/States";
import { ActiveBadge, RepositorySummaryCards, SecurityBadge } from "./parts";
import {
  DEFAULT_REPOSITORY_LIST_STATE,
  parseRepositoryListState,
  REPOSITORY_PAGE_SIZE,
  repositoryDisplayName,
  repositoryListApiQuery,
  repositoryListStateToParams,
  type RepoSort,
  type RepositoryListState,
} from "./repositoryListState";

const COLUMNS: { label: string; sort: RepoSort; className?: string }[] = [
  { label: "Repository", sort: "name" },
  { label: "URL", sort: "url", className: "col-optional" },
  { label: "Distribution", sort: "distribution", className: "col-optional" },
  { label: "Security", sort: "security" },
  { label: "Status", sort: "status" },
  { label: "Hosts", sort: "hostCount" },
];

function useRepositoryListState(): [RepositoryListState, (change: Partial<RepositoryListState>) => void] {
  const [params, setParams] = useSearchParams();
  const state = useMemo(() => parseRepositoryListState(params), [params]);
  const update = useCallback(
    (change: Partial<RepositoryListState>) => setParams(repositoryListStateToParams({ ...state, page: 1, ...change }), { replace: true }),
    [setParams, state],
  );
  return [state, update];
}

function HostPill({ hostId, onClear }: { hostId: string; onClear: () => void }) {
  const host = useQuery({ queryKey: ["hosts", "one", hostId], queryFn: () => api.get<Host>(`/hosts/${hostId}`) });
  return (
    <span className="filter-pill">
      Filtered by: <Link to={`/hosts/${hostId}`}>{host.data?.friendly_name ?? hostId}</Link>
      <button type="button" className="icon-btn" aria-label="Clear host filter" onClick={onClear}>
        ×
      </button>
    </span>
  );
}

export default function RepositoriesPage() {
  const permissions = usePermissions();
  const queryClient = useQueryClient();
  const [state, update] = useRepositoryListState();
  const [deleting, setDeleting] = useState<RepositoryListItem | null>(null);
  const [deleteBusy, setDeleteBusy] = useState(false);
  const [deleteError, setDeleteError] = useState<string | null>(null);
  const list = useQuery({
    queryKey: ["repositories", "list", repositoryListApiQuery(state)],
    queryFn: () => api.get<{ items: RepositoryListItem[]; total: number }>("/repositories", { query: repositoryListApiQuery(state) }),
    placeholderData: keepPreviousData,
  });
  const canManage = permissions.can_manage_hosts;
  const filtered = JSON.stringify({ ...state, sort: "", order: "", page: 1 }) !== JSON.stringify({ ...DEFAULT_REPOSITORY_LIST_STATE, sort: "", order: "" });

  const confirmDelete = async () => {
    if (!deleting) return;
    setDeleteBusy(true);
    setDeleteError(null);
    try {
      await api.delete(`/repositories/${deleting.id}`);
      void queryClient.invalidateQueries({ queryKey: ["repositories"] });
      setDeleting(null);
    } catch (err) {
      setDeleteError(errorText(err));
    } finally {
      setDeleteBusy(false);
    }
  };

  return (
    <div className="page">
      <div className="page-header">
        <h1>Repositories</h1>
        {list.data && <span className="muted">{list.data.total} repositor{list.data.total === 1 ? "y" : "ies"}</span>}
      </div>
      <RepositorySummaryCards />
      <div className="toolbar" role="search">
        <SearchInput label="Search repositories" value={state.search} onChange={(search) => update({ search })} />
        <select aria-label="Security" value={state.security} onChange={(event) => update({ security: event.target.value as RepositoryListState["security"] })}>
          <option value="">All protocols</option>
          <option value="secure">HTTPS only</option>
          <option value="insecure">HTTP only</option>
        </select>
        <select aria-label="Status" value={state.status} onChange={(event) => update({ status: event.target.value as RepositoryListState["status"] })}>
          <option value="">All states</option>
          <option value="active">Active only</option>
          <option value="inactive">Inactive only</option>
        </select>
        {state.host && <HostPill hostId={state.host} onClear={() => update({ host: "" })} />}
      </div>
      {list.isPending ? (
        <Loading />
      ) : list.isError ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} />
      ) : !list.data.items.length ? (
        <EmptyState title={filtered ? "No repository matches" : "No repositories reported yet"}>
          {filtered ? "Try other filters." : "Repositories appear once hosts' agents report."}
        </EmptyState>
      ) : (
        <>
          <div className="table-wrap">
            <table className="table" aria-label="Repositories">
              <thead>
                <tr>
                  {COLUMNS.map((column) => (
                    <th key={column.label} className={column.className} aria-sort={column.sort === state.sort ? (state.order === "asc" ? "ascending" : "descending") : undefined}>
                      <button
                        type="button"
                        className="sort-btn"
                        onClick={() => update(column.sort === state.sort ? { order: state.order === "asc" ? "desc" : "asc" } : { sort: column.sort, order: column.sort === "hostCount" ? "desc" : "asc" })}
                      >
                        {column.label}
                        {column.sort === state.sort ? (state.order === "asc" ? " ▲" : " ▼") : ""}
                      </button>
                    </th>
                  ))}
                  {canManage && <th aria-label="Actions" />}
                </tr>
              </thead>
              <tbody>
                {list.data.items.map((repo) => (
                  <tr key={repo.id}>
                    <td>
                      <Link to={`/repositories/${repo.id}`} className="host-name">
                        {repositoryDisplayName(repo.name)}
                      </Link>
                    </td>
                    <td className="col-optional">
                      <code className="break">{repo.url}</code>
                    </td>
                    <td className="col-optional">
                      {repo.distribution} <span className="muted">{repo.components}</span>
                    </td>
                    <td>
                      <SecurityBadge secure={repo.isSecure} />
                    </td>
                    <td>
                      <ActiveBadge active={repo.is_active} />
                    </td>
                    <td title={`${repo.enabledHostCount} host(s) have it enabled`}>{repo.hostCount}</td>
                    {canManage && (
                      <td>
                        <button type="button" className="btn btn-small btn-danger" onClick={() => { setDeleteError(null); setDeleting(repo); }}>
                          Delete
                        </button>
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pagination
            page={state.page}
            pageSize={REPOSITORY_PAGE_SIZE}
            total={list.data.total}
            shown={list.data.items.length}
            onPage={(page) => update({ page })}
          />
        </>
      )}
      {deleting && (
        <ConfirmDialog
          title="Delete repository"
          message={`Delete the record of “${repositoryDisplayName(deleting.name)}”? Hosts are not changed; if a host still uses it, it comes back with that host's next report.`}
          confirmLabel="Delete repository"
          danger
          busy={deleteBusy}
          error={deleteError}
          onCancel={() => setDeleting(null)}
          onConfirm={confirmDelete}
        />
      )}
    </div>
  );
}
