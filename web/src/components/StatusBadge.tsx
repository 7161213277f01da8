const STATUS_LABELS: Record<string, string> = {
  active: "Active",
  pending: "Pending",
  inactive: "Inactive",
  offline: "Offline",
};

export function StatusBadge({ status }: { status: string }) {
  const known = status in STATUS_LABELS;
  return <span className={`badge badge-status-${known ? status : "unknown"}`}>{STATUS_LABELS[status] ?? status}</span>;
}

export function Badge({ tone = "neutral", children }: { tone?: "neutral" | "info" | "warn" | "danger" | "ok"; children: string | number }) {
  return <span className={`badge badge-${tone}`}>{children}</span>;
}

export function GroupChip({ name, color }: { name: string; color: string }) {
  return (
    <span className="group-chip">
      <span className="group-dot" style={{ background: color }} aria-hidden="true" />
      {name}
    </span>
  );
}
