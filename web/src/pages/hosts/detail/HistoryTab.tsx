import type { UpdateHistoryEntry } from "../../../api/types";
import { EmptyState } from "../../../components/States";
import { Badge } from "../../../components/StatusBadge";
import { formatDateTime } from "../../../lib/format";

interface HistoryTabProps {
  history?: UpdateHistoryEntry[];
  pagination?: { total: number; limit: number; offset: number; hasMore: boolean };
  onPage: (offset: number) => void;
}

export function HistoryTab({ history, pagination, onPage }: HistoryTabProps) {
  if (!history || history.length === 0) return <EmptyState title="No reports yet">Reports appear here each time the agent sends data.</EmptyState>;
  const limit = pagination?.limit ?? history.length;
  const offset = pagination?.offset ?? 0;
  return (
    <div>
      <div className="table-wrap">
        <table className="table">
          <thead>
            <tr>
              <th>Time</th>
              <th>Status</th>
              <th>Packages</th>
              <th>Outdated</th>
              <th>Security</th>
              <th>Payload</th>
              <th>Duration</th>
            </tr>
          </thead>
          <tbody>
            {history.map((entry) => (
              <tr key={entry.id}>
                <td>{formatDateTime(entry.timestamp)}</td>
                <td>
                  <Badge tone={entry.status === "success" ? "ok" : "danger"}>{entry.status}</Badge>
                  {entry.error_message && <div className="field-error">{entry.error_message}</div>}
                </td>
                <td>{entry.total_packages ?? "—"}</td>
                <td>{entry.packages_count}</td>
                <td>{entry.security_count}</td>
                <td>{entry.payload_size_kb != null ? `${entry.payload_size_kb.toFixed(1)} KB` : "—"}</td>
                <td>{entry.execution_time != null ? `${entry.execution_time.toFixed(2)} s` : "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {pagination && (
        <div className="pagination">
          <span className="muted">
            {offset + 1}–{offset + history.length} of {pagination.total}
          </span>
          <button type="button" className="btn btn-small" disabled={offset === 0} onClick={() => onPage(Math.max(0, offset - limit))}>
            Newer
          </button>
          <button type="button" className="btn btn-small" disabled={!pagination.hasMore} onClick={() => onPage(offset + limit)}>
            Older
          </button>
        </div>
      )}
    </div>
  );
}
