import { Link } from "react-router-dom";
import type { HostListItem } from "../../api/types";
import { Badge, GroupChip, StatusBadge } from "../../components/StatusBadge";
import { formatOs, formatRelative } from "../../lib/format";
import type { HostColumnId } from "./hostColumns";

const NONE = <span className="muted">—</span>;

function text(value: string | null | undefined) {
  return value ? value : NONE;
}

/** One cell of the host list. Columns without data on this server (no package counts) show a dash. */
export function HostCell({ column, host }: { column: HostColumnId; host: HostListItem }) {
  switch (column) {
    case "host":
      return (
        <>
          <Link to={`/hosts/${host.id}`} className="host-name">
            {host.friendly_name}
          </Link>
          <div className="muted small">{host.hostname ?? "—"}</div>
        </>
      );
    case "hostname":
      return text(host.hostname);
    case "ip":
      return text(host.ip);
    case "group":
      return host.host_group_memberships.length === 0 ? NONE : <>{host.host_group_memberships.map(({ host_groups: g }) => <GroupChip key={g.id} name={g.name} color={g.color} />)}</>;
    case "os":
      return formatOs(host.os_type, host.os_version) ?? NONE;
    case "os_version":
      return text(host.os_version === "unknown" ? null : host.os_version);
    case "agent_version":
      return text(host.agent_version);
    case "integrations": {
      const enabled = [host.docker_enabled && "Docker", host.compliance_enabled && "Compliance"].filter((name): name is string => Boolean(name));
      return enabled.length === 0 ? NONE : <>{enabled.map((name) => <Badge key={name} tone="info">{name}</Badge>)}</>;
    }
    case "status":
      return <StatusBadge status={host.effectiveStatus ?? host.status} />;
    case "needs_reboot":
      return host.needs_reboot ? <Badge tone="warn">Required</Badge> : NONE;
    case "uptime":
      return text(host.system_uptime);
    case "updates":
      return (
        <>
          {host.updatesCount ?? NONE}
          {(host.securityUpdatesCount ?? 0) > 0 && <span className="badge badge-danger security-count">{host.securityUpdatesCount} security</span>}
          {host.needs_reboot && <div className="small" style={{ color: "var(--warn)" }}>Reboot</div>}
        </>
      );
    case "security_updates":
      return host.securityUpdatesCount ?? NONE;
    case "notes":
      return <span title={host.notes ?? undefined}>{text(host.notes)}</span>;
    case "last_update":
      return <span title={host.last_update}>{formatRelative(host.last_update)}</span>;
  }
}
