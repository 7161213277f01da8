import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useCallback, useMemo } from "react";
import { Link, useSearchParams } from "react-router-dom";
import { api } from "../../api";
import { useEndpoint } from "../../api/capabilities";
import type { Host, PackageList } from "../../api/types";
import { usePermissions } from "../../auth/AuthProvider";
import { Pagination } from "../../components/Pagination";
import { SearchInput } from "../../components/SearchInput";
import { EmptyState, ErrorState, Loading, NotAvailable } from "../../components/States";
import { Tabs } from "../../components/Tabs";
import {
  affectedHosts,
  PACKAGE_TAB_LABELS,
  PACKAGE_TABS,
  packageListApiQuery,
  packageListStateToParams,
  packageStatus,
  parsePackageListState,
  toggleSort,
  withChange,
  type PackageListState,
  type PackageSort,
} from "./packageListState";
import { PackageStatusBadge, SourceRepoChips } from "./parts";

const COLUMNS: { label: string; sort?: PackageSort; className?: string }[] = [
  { label: "Package", sort: "name" },
  { label: "Latest version", sort: "latestVersion" },
  { label: "Hosts affected", sort: "packageHosts" },
  { label: "Status", sort: "status" },
  { label: "Source repositories", className: "col-optional" },
];

function usePackageListState(): [PackageListState, (next: PackageListState) => void] {
  const [params, setParams] = useSearchParams();
  const state = useMemo(() => parsePackageListState(params), [params]);
  const update = useCallback((next: PackageListState) => setParams(packageListStateToParams(next), { replace: true }), [setParams]);
  return [state, update];
}

/** Fleet-wide counts of packages with updates (they ignore the tab and search, not the host). */
function useUpdateCounts(host: string) {
  return useQuery({
    queryKey: ["packages", "counts", host],
    queryFn: async () => {
      const count = async (query: Record<string, string>) =>
        (await api.get<PackageList>("/packages", { query: { ...query, limit: 1, host: host || undefined } })).pagination.total;
      const [outdated, security] = await Promise.all([count({ needsUpdate: "true" }), count({ isSecurityUpdate: "true" })]);
      return { outdated, security };
    },
  });
}

function HostFilterPill({ hostId, onClear }: { hostId: string; onClear: () => void }) {
  const permissions = usePermissions();
  const host = useQuery({
    queryKey: ["hosts", "one", hostId],
    queryFn: () => api.get<Host>(`/hosts/${hostId}`),
    enabled: permissions.can_view_hosts,
  });
  return (
    <span className="filter-pill">
      Host: {permissions.can_view_hosts ? <Link to={`/hosts/${hostId}`}>{host.data?.friendly_name ?? hostId}</Link> : hostId}
      <button type="button" className="icon-btn" aria-label="Clear host filter" onClick={onClear}>
        ×
      </button>
    </span>
  );
}

export default function PackagesPage() {
  const endpoint = useEndpoint("GET", "/packages");
  const [state, setState] = usePackageListState();
  const list = useQuery({
    queryKey: ["packages", "list", packageListApiQuery(state)],
    queryFn: () => api.get<PackageList>("/packages", { query: packageListApiQuery(state) }),
    placeholderData: keepPreviousData,
    enabled: endpoint === "available",
  });
  const counts = useUpdateCounts(state.host);

  if (endpoint === "missing") {
    return (
      <div className="page">
        <h1>Packages</h1>
        <NotAvailable what="The package inventory is" />
      </div>
    );
  }

  const data = list.data;
  const cards = [
    { label: "Packages", value: data?.pagination.total },
    { label: "Installations", value: data?.totalInstalls },
    { label: "Outdated packages", value: counts.data?.outdated, tab: "outdated" as const },
    { label: "Security packages", value: counts.data?.security, tab: "security" as const },
  ];

  return (
    <div className="page">
      <div className="page-header">
        <h1>Packages</h1>
        {data && <span className="muted">{data.pagination.total} package(s)</span>}
      </div>
      <div className="grid-cards">
        {cards.map((card) =>
          card.tab ? (
            <button key={card.label} type="button" className="card stat-card stat-button" onClick={() => setState(withChange(state, { tab: card.tab, search: "" }))}>
              <span className="stat-value">{card.value ?? "—"}</span>
              <span className="stat-label">{card.label}</span>
            </button>
          ) : (
            <div key={card.label} className="card stat-card">
              <span className="stat-value">{card.value ?? "—"}</span>
              <span className="stat-label">{card.label}</span>
            </div>
          ),
        )}
      </div>
      <Tabs tabs={PACKAGE_TABS.map((key) => ({ key, label: PACKAGE_TAB_LABELS[key] }))} active={state.tab} onChange={(tab) => setState(withChange(state, { tab }))} />
      <div className="toolbar" role="search">
        <SearchInput label="Search packages" value={state.search} onChange={(search) => setState(withChange(state, { search }))} />
        {state.host && <HostFilterPill hostId={state.host} onClear={() => setState(withChange(state, { host: "" }))} />}
      </div>
      {list.isPending ? (
        <Loading />
      ) : list.isError ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} />
      ) : !data?.packages.length ? (
        <EmptyState title={state.search || state.tab !== "all" || state.host ? "No package matches" : "No packages reported yet"}>
          {state.search || state.tab !== "all" || state.host ? "Try another tab or search." : "Packages appear once hosts' agents report."}
        </EmptyState>
      ) : (
        <>
          <div className="table-wrap">
            <table className="table" aria-label="Packages">
              <thead>
                <tr>
                  {COLUMNS.map((column) => (
                    <th key={column.label} className={column.className} aria-sort={column.sort === state.sort ? (state.order === "asc" ? "ascending" : "descending") : undefined}>
                      {column.sort ? (
                        <button type="button" className="sort-btn" onClick={() => setState(toggleSort(state, column.sort as PackageSort))}>
                          {column.label}
                          {column.sort === state.sort ? (state.order === "asc" ? " ▲" : " ▼") : ""}
                        </button>
                      ) : (
                        column.label
                      )}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {data.packages.map((pkg) => {
                  const affected = affectedHosts(pkg.stats);
                  return (
                    <tr key={pkg.id}>
                      <td>
                        <Link to={`/packages/${pkg.id}`} className="host-name">
                          {pkg.name}
                        </Link>
                        {pkg.description && <div className="muted small clamp-1">{pkg.description}</div>}
                      </td>
                      <td>{pkg.latest_version ? <code>{pkg.latest_version}</code> : <span className="muted">—</span>}</td>
                      <td title={affected.title} data-testid="hosts-affected">
                        {affected.text}
                      </td>
                      <td>
                        <PackageStatusBadge status={packageStatus(pkg.stats)} />
                      </td>
                      <td className="col-optional">
                        <SourceRepoChips repos={pkg.sourceRepos} />
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          <Pagination
            page={data.pagination.page}
            pageSize={data.pagination.limit}
            total={data.pagination.total}
            shown={data.packages.length}
            noun="Packages"
            onPage={(page) => setState({ ...state, page })}
            onPageSize={(pageSize) => setState(withChange(state, { pageSize }))}
          />
        </>
      )}
    </div>
  );
}
