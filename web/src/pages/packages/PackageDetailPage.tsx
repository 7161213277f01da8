import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Link, useParams } from "react-router-dom";
import { api } from "../../api";
import { ApiError } from "../../api/client";
import type { PackageDetail, PackageHost, PackagePagination } from "../../api/types";
import { usePermissions } from "../../auth/AuthProvider";
import { Pagination } from "../../components/Pagination";
import { SearchInput } from "../../components/SearchInput";
import { EmptyState, ErrorState, Loading } from "../../components/States";
import { formatOs, formatRelative } from "../../lib/format";
import { packageStatus } from "./packageListState";
import { installStatus, PackageStatusBadge, SourceRepoChips } from "./parts";

const HOSTS_PAGE_SIZE = 25;

function PackageHosts({ packageId }: { packageId: string }) {
  const permissions = usePermissions();
  const [search, setSearch] = useState("");
  const [onlyPending, setOnlyPending] = useState(false);
  const [page, setPage] = useState(1);
  const query = { page, limit: HOSTS_PAGE_SIZE, search: search.trim() || undefined, needsUpdate: onlyPending ? "true" : undefined };
  const hosts = useQuery({
    queryKey: ["packages", "hosts", packageId, query],
    queryFn: () => api.get<{ hosts: PackageHost[]; pagination: PackagePagination }>(`/packages/${encodeURIComponent(packageId)}/hosts`, { query }),
    placeholderData: keepPreviousData,
  });
  const hostLink = (row: PackageHost) =>
    permissions.can_view_hosts ? (
      <Link to={`/hosts/${row.hostId}`} className="host-name">
        {row.friendlyName}
      </Link>
    ) : (
      <span className="host-name">{row.friendlyName}</span>
    );

  return (
    <section className="card">
      <h2>Hosts with this package</h2>
      <div className="toolbar" role="search">
        <SearchInput
          label="Search hosts"
          value={search}
          onChange={(next) => {
            setPage(1);
            setSearch(next);
          }}
        />
        <label className="checkbox">
          <input
            type="checkbox"
            checked={onlyPending}
            onChange={(event) => {
              setPage(1);
              setOnlyPending(event.target.checked);
            }}
          />
          Only hosts needing an update
        </label>
      </div>
      {hosts.isPending ? (
        <Loading />
      ) : hosts.isError ? (
        <ErrorState error={hosts.error} onRetry={() => void hosts.refetch()} />
      ) : !hosts.data.hosts.length ? (
        <EmptyState title="No host matches" />
      ) : (
        <>
          <div className="table-wrap">
            <table className="table" aria-label="Hosts with this package">
              <thead>
                <tr>
                  <th>Host</th>
                  <th className="col-optional">OS</th>
                  <th>Installed</th>
                  <th>Available</th>
                  <th>Status</th>
                  <th className="col-optional">Source repository</th>
                  <th className="col-optional">Last report</th>
                </tr>
              </thead>
              <tbody>
                {hosts.data.hosts.map((row) => (
                  <tr key={row.hostId}>
                    <td>
                      {hostLink(row)}
                      <div className="muted small">{row.hostname ?? "—"}</div>
                    </td>
                    <td className="col-optional">{formatOs(row.osType, row.osVersion) ?? <span className="muted">—</span>}</td>
                    <td>
                      <code>{row.currentVersion}</code>
                    </td>
                    <td>{row.availableVersion ? <code>{row.availableVersion}</code> : <span className="muted">—</span>}</td>
                    <td>
                      <PackageStatusBadge status={installStatus(row)} />
                    </td>
                    <td className="col-optional">{row.sourceRepoName ?? <span className="muted">—</span>}</td>
                    <td className="col-optional" title={row.lastUpdate}>
                      {formatRelative(row.lastUpdate)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pagination page={hosts.data.pagination.page} pageSize={hosts.data.pagination.limit} total={hosts.data.pagination.total} shown={hosts.data.hosts.length} onPage={setPage} />
        </>
      )}
    </section>
  );
}

export default function PackageDetailPage() {
  const { packageId = "" } = useParams();
  const detail = useQuery({
    queryKey: ["packages", "detail", packageId],
    queryFn: () => api.get<PackageDetail>(`/packages/${encodeURIComponent(packageId)}`),
  });

  if (detail.isPending) return <Loading label="Loading package…" />;
  if (detail.isError) {
    if (detail.error instanceof ApiError && detail.error.status === 404) {
      return (
        <EmptyState title="Package not found">
          <Link to="/packages">Back to packages</Link>
        </EmptyState>
      );
    }
    return <ErrorState error={detail.error} onRetry={() => void detail.refetch()} />;
  }
  const pkg = detail.data;
  const cards = [
    { label: "Hosts with package", value: pkg.stats.totalInstalls },
    { label: "Updates needed", value: pkg.stats.updatesNeeded },
    { label: "Security updates", value: pkg.stats.securityUpdates },
    { label: "Up to date", value: pkg.stats.upToDate },
  ];
  const versions = pkg.distributions?.versions ?? [];

  return (
    <div className="page">
      <p className="small">
        <Link to="/packages">← Packages</Link>
      </p>
      <div className="page-header">
        <div>
          <h1>
            {pkg.name} <PackageStatusBadge status={packageStatus(pkg.stats)} />
          </h1>
          <div className="muted">
            {[pkg.latest_version ? `Latest version ${pkg.latest_version}` : null, pkg.category].filter(Boolean).join(" · ") || "No version information"}
          </div>
        </div>
      </div>
      <div className="grid-cards">
        {cards.map((card) => (
          <div key={card.label} className="card stat-card">
            <span className="stat-value">{card.value}</span>
            <span className="stat-label">{card.label}</span>
          </div>
        ))}
      </div>
      <div className="stack">
        <section className="card">
          <dl className="kv">
            <dt>Description</dt>
            <dd>{pkg.description || <span className="muted">No description reported</span>}</dd>
            <dt>Source repositories</dt>
            <dd>
              <SourceRepoChips repos={pkg.sourceRepos} max={10} />
            </dd>
            <dt>Installed versions</dt>
            <dd>{versions.length ? versions.map((entry) => `${entry.version} (${entry.count})`).join(", ") : "—"}</dd>
            <dt>Last updated</dt>
            <dd title={pkg.updated_at}>{formatRelative(pkg.updated_at)}</dd>
          </dl>
        </section>
        <PackageHosts packageId={pkg.id} />
      </div>
    </div>
  );
}
