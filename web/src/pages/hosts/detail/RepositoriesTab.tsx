import { useQuery } from "@tanstack/react-query";
import { Link } from "react-router-dom";
import { api } from "../../../api";
import { useEndpoint } from "../../../api/capabilities";
import { EmptyState, ErrorState, Loading, NotAvailable } from "../../../components/States";
import { Badge } from "../../../components/StatusBadge";

interface HostRepository {
  id: string;
  is_enabled: boolean;
  repositories: { id: string; name: string; url: string; distribution: string; components: string; repo_type: string; isSecure?: boolean };
}

export function RepositoriesTab({ hostId }: { hostId: string }) {
  const endpoint = useEndpoint("GET", "/repositories/host/{hostId}");
  const query = useQuery({
    queryKey: ["hosts", "repos", hostId],
    queryFn: () => api.get<HostRepository[]>(`/repositories/host/${hostId}`),
    enabled: endpoint === "available",
  });
  if (endpoint === "missing") return <NotAvailable what="Repositories are" />;
  if (query.isPending) return <Loading />;
  if (query.isError) return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  const repos = query.data ?? [];
  if (repos.length === 0) return <EmptyState title="No repositories reported" />;
  return (
    <div className="table-wrap">
      <table className="table">
        <thead>
          <tr>
            <th>Name</th>
            <th>URL</th>
            <th>Distribution</th>
            <th>Type</th>
            <th>State</th>
          </tr>
        </thead>
        <tbody>
          {repos.map((entry) => (
            <tr key={entry.id}>
              <td>
                <Link to={`/repositories/${entry.repositories.id}`}>{entry.repositories.name}</Link>
              </td>
              <td>
                <code>{entry.repositories.url}</code>
              </td>
              <td>
                {entry.repositories.distribution} {entry.repositories.components}
              </td>
              <td>
                {entry.repositories.repo_type} {entry.repositories.isSecure === false && <Badge tone="warn">insecure</Badge>}
              </td>
              <td>{entry.is_enabled ? <Badge tone="ok">Enabled</Badge> : <Badge>Disabled</Badge>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
