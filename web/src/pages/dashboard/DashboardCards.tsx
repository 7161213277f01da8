import { useQuery } from "@tanstack/react-query";
import { Link, useNavigate } from "react-router-dom";
import { api } from "../../api";
import { useEndpoint } from "../../api/capabilities";
import type { DashboardStats, RecentCollectionHost } from "../../api/types";
import { BarChart } from "../../components/charts/BarChart";
import { DonutChart } from "../../components/charts/DonutChart";
import { EmptyState, ErrorState, Loading, NotAvailable } from "../../components/States";
import { StatusBadge } from "../../components/StatusBadge";
import { formatRelative } from "../../lib/format";
import type { CardDefinition } from "./cards";

const UPDATE_STATUS_COLORS: Record<string, string> = {
  upToDate: "#22c55e",
  needsUpdates: "#f59e0b",
  inactive: "#ef4444",
  awaitingData: "#64748b",
};

export function StatCard({ card, stats }: { card: CardDefinition; stats: DashboardStats }) {
  const value = card.statKey ? stats.cards[card.statKey] : undefined;
  const body = (
    <>
      <span className="stat-value">{value ?? "—"}</span>
      <span className="stat-label">{card.title}</span>
    </>
  );
  return card.link ? (
    <Link to={card.link} className="card stat-card">
      {body}
    </Link>
  ) : (
    <div className="card stat-card">{body}</div>
  );
}

export function ChartCard({ card, stats }: { card: CardDefinition; stats: DashboardStats }) {
  const navigate = useNavigate();
  const os = (stats.charts?.osDistribution ?? []).map((entry) => ({ label: entry.name, value: entry.count, osType: entry.os_type ?? entry.name }));
  const goToOs = (label: string) => {
    const entry = os.find((item) => item.label === label);
    navigate(`/hosts?os=${encodeURIComponent(entry?.osType ?? label)}`);
  };
  let content;
  if (card.id === "updateStatus") {
    const data = (stats.charts?.updateStatusDistribution ?? []).map((entry) => ({ label: entry.name, value: entry.count, color: UPDATE_STATUS_COLORS[entry.filter], href: entry.filter }));
    content = data.length ? <DonutChart data={data} onSelect={(datum) => navigate(`/hosts?filter=${datum.href}`)} /> : <EmptyState title="No hosts yet" />;
  } else if (card.id === "osDistributionDoughnut") {
    content = os.length ? <DonutChart data={os} onSelect={(datum) => goToOs(datum.label)} /> : <EmptyState title="No OS data yet" />;
  } else {
    content = os.length ? <BarChart data={os} onSelect={(datum) => goToOs(datum.label)} /> : <EmptyState title="No OS data yet" />;
  }
  return (
    <section className="card">
      <h2>{card.title}</h2>
      {content}
    </section>
  );
}

export function RecentCollectionCard({ card }: { card: CardDefinition }) {
  const endpoint = useEndpoint("GET", "/dashboard/recent-collection");
  const query = useQuery({
    queryKey: ["dashboard", "recent-collection"],
    queryFn: () => api.get<RecentCollectionHost[]>("/dashboard/recent-collection"),
    refetchInterval: 60_000,
    enabled: endpoint === "available",
  });
  return (
    <section className="card">
      <h2>{card.title}</h2>
      {endpoint === "missing" ? (
        <NotAvailable what="Recent reports are" />
      ) : query.isPending ? (
        <Loading />
      ) : query.isError ? (
        <ErrorState error={query.error} />
      ) : !query.data?.length ? (
        <EmptyState title="No reports received yet" />
      ) : (
        <ul className="list-plain">
          {query.data.map((host) => (
            <li key={host.id}>
              <Link to={`/hosts/${host.id}`}>{host.friendly_name}</Link>
              <span className="actions">
                <span className="muted small">{formatRelative(host.last_update)}</span>
                <StatusBadge status={host.status} />
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
