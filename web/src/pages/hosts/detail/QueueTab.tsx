import { useQuery } from "@tanstack/react-query";
import { api } from "../../../api";
import { useEndpoint } from "../../../api/capabilities";
import { EmptyState, ErrorState, Loading, NotAvailable } from "../../../components/States";
import { Badge } from "../../../components/StatusBadge";
import { formatDateTime } from "../../../lib/format";

interface QueueJob {
  id: string;
  job_id?: string;
  job_name?: string;
  status: string;
  attempt?: number;
  created_at?: string;
  completed_at?: string | null;
  error_message?: string | null;
}

interface QueueResponse {
  data: { waiting: number; active: number; delayed: number; failed: number; jobHistory: QueueJob[] };
}

export function QueueTab({ hostId }: { hostId: string }) {
  const endpoint = useEndpoint("GET", "/dashboard/hosts/{hostId}/queue");
  const query = useQuery({
    queryKey: ["hosts", "queue", hostId],
    queryFn: () => api.get<QueueResponse>(`/dashboard/hosts/${hostId}/queue`),
    refetchInterval: 15_000,
    enabled: endpoint === "available",
  });
  if (endpoint === "missing") return <NotAvailable what="The agent queue is" />;
  if (query.isPending) return <Loading />;
  if (query.isError) return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  const data = query.data?.data;
  if (!data) return <EmptyState title="No queue information" />;
  return (
    <div className="stack">
      <div className="grid-cards">
        {(["waiting", "active", "delayed", "failed"] as const).map((key) => (
          <div key={key} className="card stat-card">
            <span className="stat-value">{data[key]}</span>
            <span className="stat-label">{key[0]?.toUpperCase() + key.slice(1)}</span>
          </div>
        ))}
      </div>
      {data.jobHistory.length === 0 ? (
        <EmptyState title="No jobs yet">Commands sent to this host's agent appear here.</EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th>Job</th>
                <th>Status</th>
                <th>Attempt</th>
                <th>Created</th>
                <th>Completed</th>
              </tr>
            </thead>
            <tbody>
              {data.jobHistory.map((job) => (
                <tr key={job.id}>
                  <td>{job.job_name ?? job.job_id ?? job.id}</td>
                  <td>
                    <Badge tone={job.status === "completed" ? "ok" : job.status === "failed" ? "danger" : "info"}>{job.status}</Badge>
                    {job.error_message && <div className="field-error">{job.error_message}</div>}
                  </td>
                  <td>{job.attempt ?? "—"}</td>
                  <td>{formatDateTime(job.created_at)}</td>
                  <td>{formatDateTime(job.completed_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
