import { keepPreviousData, useQuery, useQueryClient } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { Link, useNavigate, useParams } from "react-router-dom";
import { api } from "../../api";
import { ApiError } from "../../api/client";
import type { PackageList, RepositoryDetail } from "../../api/types";
import { usePermissions } from "../../auth/AuthProvider";
import { ConfirmDialog } from "../../components/Modal";
import { Pagination } from "../../components/Pagination";
import { SearchInput } from "../../components/SearchInput";
import { EmptyState, ErrorState, errorText, Loading } from "../../components/States";
import { Badge, StatusBadge } from "../../components/StatusBadge";
import { formatDateTime, formatOs, formatRelative } from "../../lib/format";
import { affectedHosts, packageStatus } from "../packages/packageListState";
import { PackageStatusBadge } from "../packages/parts";
import { ActiveBadge, SecurityBadge } from "./parts";
import { RepositoryEditDialog } from "./RepositoryEditDialog";
import { repositoryDisplayName } from "./repositoryListState";

const PAGE_SIZE = 25;

function RepositoryHosts({ repo }: { repo: RepositoryDetail }) {
  const [search, setSearch] = useState("");
  const [page, setPage] = useState(1);
  const matching = useMemo(() => {
    const needle = search.trim().toLowerCase();
    return repo.host_repositories.filter(
      (link) => !needle || [link.hosts.friendly_name, link.hosts.hostname, link.hosts.ip].some((value) => (value ?? "").toLowerCase().includes(needle)),
    );
  }, [repo.host_repositories, search]);
  const rows = matching.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE);
  return (
    <section className="card">
      <h2>Hosts using this repository</h2>
      <div className="toolbar" role="search">
        <SearchInput
          label="Search hosts"
          value={search}
          onChange={(next) => {
            setPage(1);
            setSearch(next);
          }}
        />
      </div>
      {rows.length === 0 ? (
        <EmptyState title={search ? "No host matches" : "No host uses this repository"} />
      ) : (
        <>
          <div className="table-wrap">
            <table className="table" aria-label="Hosts using this repository">
              <thead>
                <tr>
                  <th>Host</th>
                  <th className="col-optional">OS</th>
                  <th>Status</th>
                  <th>On this host</th>
                  <th className="col-optional">Last reported</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((link) => (
                  <tr key={link.id}>
                    <td>
                      <Link to={`/hosts/${link.host_id}`} className="host-name">
                        {link.hosts.friendly_name}
                      </Link>
                      <div className="muted small">{[link.hosts.hostname, link.hosts.ip].filter(Boolean).join(" · ") || "—"}</div>
                    </td>
                    <td className="col-optional">{formatOs(link.hosts.os_type, link.hosts.os_version) ?? <span className="muted">—</span>}</td>
                    <td>
                      <StatusBadge status={link.hosts.status} />
                    </td>
                    <td>{link.is_enabled ? <Badge tone="ok">Enabled</Badge> : <Badge>Disabled</Badge>}</td>
                    <td className="col-optional" title={link.last_checked}>
                      {formatRelative(link.last_checked)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pagination page={page} pageSize={PAGE_SIZE} total={matching.length} shown={rows.length} onPage={setPage} />
        </>
      )}
    </section>
  );
}

function RepositoryPackages({ repoId }: { repoId: string }) {
  const [search, setSearch] = useState("");
  const [page, setPage] = useState(1);
  const query = { repository: repoId, page, limit: PAGE_SIZE, search: search.trim() || undefined };
  const packages = useQuery({
    queryKey: ["packages", "list", query],
    queryFn: () => api.get<PackageList>("/packages", { query }),
    placeholderData: keepPreviousData,
  });
  return (
    <section className="card">
      <h2>Packages from this repository</h2>
      <div className="toolbar" role="search">
        <SearchInput
          label="Search packages"
          value={search}
          onChange={(next) => {
            setPage(1);
            setSearch(next);
          }}
        />
      </div>
      {packages.isPending ? (
        <Loading />
      ) : packages.isError ? (
        <ErrorState error={packages.error} onRetry={() => void packages.refetch()} />
      ) : !packages.data.packages.length ? (
        <EmptyState title={search ? "No package matches" : "No package is known to come from this repository"} />
      ) : (
        <>
          <div className="table-wrap">
            <table className="table" aria-label="Packages from this repository">
              <thead>
                <tr>
                  <th>Package</th>
                  <th>Latest version</th>
                  <th>Hosts affected</th>
                  <th>Status</th>
                </tr>
              </thead>
              <tbody>
                {packages.data.packages.map((pkg) => (
                  <tr key={pkg.id}>
                    <td>
                      <Link to={`/packages/${pkg.id}`}>{pkg.name}</Link>
                    </td>
                    <td>{pkg.latest_version ? <code>{pkg.latest_version}</code> : "—"}</td>
                    <td title={affectedHosts(pkg.stats).title}>{affectedHosts(pkg.stats).text}</td>
                    <td>
                      <PackageStatusBadge status={packageStatus(pkg.stats)} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pagination page={page} pageSize={PAGE_SIZE} total={packages.data.pagination.total} shown={packages.data.packages.length} onPage={setPage} />
        </>
      )}
    </section>
  );
}

export default function RepositoryDetailPage() {
  const { repositoryId = "" } = useParams();
  const permissions = usePermissions();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [deleteBusy, setDeleteBusy] = useState(false);
  const [deleteError, setDeleteError] = useState<string | null>(null);
  const detail = useQuery({
    queryKey: ["repositories", "detail", repositoryId],
    queryFn: () => api.get<RepositoryDetail>(`/repositories/${encodeURIComponent(repositoryId)}`),
  });

  if (detail.isPending) return <Loading label="Loading repository…" />;
  if (detail.isError) {
    if (detail.error instanceof ApiError && detail.error.status === 404) {
      return (
        <EmptyState title="Repository not found">
          <Link to="/repositories">Back to repositories</Link>
        </EmptyState>
      );
    }
    return <ErrorState error={detail.error} onRetry={() => void detail.refetch()} />;
  }
  const repo = detail.data;
  const canManage = permissions.can_manage_hosts;

  const confirmDelete = async () => {
    setDeleteBusy(true);
    setDeleteError(null);
    try {
      await api.delete(`/repositories/${repo.id}`);
      void queryClient.invalidateQueries({ queryKey: ["repositories"] });
      navigate("/repositories", { replace: true });
    } catch (err) {
      setDeleteError(errorText(err));
      setDeleteBusy(false);
    }
  };

  return (
    <div className="page">
      <p className="small">
        <Link to="/repositories">← Repositories</Link>
      </p>
      <div className="page-header">
        <div>
          <h1>{repositoryDisplayName(repo.name)}</h1>
          <div className="actions">
            <SecurityBadge secure={repo.isSecure} />
            <ActiveBadge active={repo.is_active} />
            <span className="muted small">updated {formatRelative(repo.updated_at)}</span>
          </div>
        </div>
        {canManage && (
          <div className="actions">
            <button type="button" className="btn" onClick={() => setEditing(true)}>
              Edit
            </button>
            <button type="button" className="btn btn-danger" onClick={() => { setDeleteError(null); setDeleting(true); }}>
              Delete
            </button>
          </div>
        )}
      </div>
      <div className="stack">
        <section className="card">
          <dl className="kv">
            <dt>URL</dt>
            <dd>
              <code className="break">{repo.url}</code>
            </dd>
            <dt>Distribution</dt>
            <dd>
              {repo.distribution || "—"} {repo.components && <span className="muted">{repo.components}</span>}
            </dd>
            <dt>Type</dt>
            <dd>{repo.repo_type}</dd>
            <dt>Priority</dt>
            <dd>{repo.priority ?? "—"}</dd>
            <dt>Description</dt>
            <dd>{repo.description || <span className="muted">—</span>}</dd>
            <dt>First seen</dt>
            <dd>{formatDateTime(repo.created_at)}</dd>
          </dl>
        </section>
        <RepositoryHosts repo={repo} />
        {permissions.can_view_packages && <RepositoryPackages repoId={repo.id} />}
      </div>
      {editing && <RepositoryEditDialog repo={repo} onClose={() => setEditing(false)} />}
      {deleting && (
        <ConfirmDialog
          title="Delete repository"
          message={`Delete the record of “${repositoryDisplayName(repo.name)}” and its links to ${repo.host_repositories.length} host(s)? Hosts are not changed; if one still uses it, it comes back with that host's next report.`}
          confirmLabel="Delete repository"
          danger
          busy={deleteBusy}
          error={deleteError}
          onCancel={() => setDeleting(false)}
          onConfirm={confirmDelete}
        />
      )}
    </div>
  );
}
