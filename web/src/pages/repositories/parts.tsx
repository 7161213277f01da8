import { useQuery } from "@tanstack/react-query";
import { api } from "../../api";
import type { RepositorySummary } from "../../api/types";
import { ScoreRing } from "../../components/charts/ScoreRing";
import { Badge } from "../../components/StatusBadge";

export function SecurityBadge({ secure }: { secure: boolean }) {
  return secure ? <Badge tone="ok">Secure (HTTPS)</Badge> : <Badge tone="warn">Insecure (HTTP)</Badge>;
}

export function ActiveBadge({ active }: { active: boolean }) {
  return active ? <Badge tone="ok">Active</Badge> : <Badge>Inactive</Badge>;
}

/** The four summary cards, the security score drawn as a ring. */
export function RepositorySummaryCards() {
  const summary = useQuery({
    queryKey: ["repositories", "summary"],
    queryFn: () => api.get<RepositorySummary>("/repositories/stats/summary"),
  });
  const s = summary.data;
  const cards = [
    { label: "Total repositories", value: s?.totalRepositories },
    { label: "Active repositories", value: s?.activeRepositories },
    { label: "Secure (HTTPS)", value: s?.secureRepositories },
  ];
  return (
    <div className="grid-cards">
      {cards.map((card) => (
        <div key={card.label} className="card stat-card">
          <span className="stat-value">{card.value ?? "—"}</span>
          <span className="stat-label">{card.label}</span>
        </div>
      ))}
      <div className="card stat-card score-card">
        {s ? <ScoreRing percent={s.securityPercentage} label="Security score" /> : <span className="stat-value">—</span>}
        <span>
          <span className="stat-label block">Security score</span>
          {s && <span className="muted small block">{`${s.secureRepositories} of ${s.totalRepositories} over HTTPS`}</span>}
        </span>
      </div>
    </div>
  );
}
