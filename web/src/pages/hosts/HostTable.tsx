import { useEffect, useState } from "react";
import { Link } from "react-router-dom";
import type { HostListItem } from "../../api/types";
import { GroupChip, StatusBadge } from "../../components/StatusBadge";
import { VirtualList } from "../../components/VirtualList";
import { formatOs, formatRelative } from "../../lib/format";
import type { HostSortField, HostListState } from "./hostListState";

const ROW_HEIGHT = 52;

interface Column {
  label: string;
  sort?: HostSortField;
  optional?: boolean;
}

const COLUMNS: Column[] = [
  { label: "Host", sort: "friendly_name" },
  { label: "OS", sort: "os_type", optional: true },
  { label: "Groups", sort: "group", optional: true },
  { label: "Updates", sort: "updates" },
  { label: "Status", sort: "status" },
  { label: "Last update", sort: "last_update", optional: true },
  { label: "IP", sort: "ip", optional: true },
];

function useListHeight(): number {
  const compute = () => Math.max(320, window.innerHeight - 240);
  const [height, setHeight] = useState(compute);
  useEffect(() => {
    const onResize = () => setHeight(compute());
    window.addEventListener("resize", onResize);
    return () => window.removeEventListener("resize", onResize);
  }, []);
  return height;
}

interface HostTableProps {
  hosts: HostListItem[];
  state: HostListState;
  onSort: (field: HostSortField) => void;
  canSort: (field: HostSortField) => boolean;
  selectable: boolean;
  selected: Set<string>;
  onSelectionChange: (next: Set<string>) => void;
  onNearEnd?: () => void;
}

export function HostTable({ hosts, state, onSort, canSort, selectable, selected, onSelectionChange, onNearEnd }: HostTableProps) {
  const height = useListHeight();
  const allSelected = hosts.length > 0 && hosts.every((host) => selected.has(host.id));
  const toggle = (id: string, on: boolean) => {
    const next = new Set(selected);
    if (on) next.add(id);
    else next.delete(id);
    onSelectionChange(next);
  };

  return (
    <div className="host-grid" role="table" aria-label="Hosts" aria-rowcount={hosts.length}>
      <div className="host-row host-row-head" role="row">
        <span role="columnheader">
          {selectable && (
            <input
              type="checkbox"
              aria-label="Select all loaded hosts"
              checked={allSelected}
              onChange={(event) => onSelectionChange(event.target.checked ? new Set(hosts.map((host) => host.id)) : new Set())}
            />
          )}
        </span>
        {COLUMNS.map((column) => (
          <span key={column.label} role="columnheader" className={column.optional ? "host-col-optional" : undefined} aria-sort={column.sort === state.sort ? (state.order === "asc" ? "ascending" : "descending") : undefined}>
            {column.sort && canSort(column.sort) ? (
              <button type="button" className="sort-btn" onClick={() => onSort(column.sort as HostSortField)}>
                {column.label}
                {column.sort === state.sort ? (state.order === "asc" ? " ▲" : " ▼") : ""}
              </button>
            ) : (
              column.label
            )}
          </span>
        ))}
      </div>
      <VirtualList
        items={hosts}
        rowHeight={ROW_HEIGHT}
        height={Math.min(height, Math.max(ROW_HEIGHT, hosts.length * ROW_HEIGHT))}
        getKey={(host) => host.id}
        onNearEnd={onNearEnd}
        renderRow={(host) => (
          <div className={`host-row${selected.has(host.id) ? " host-row-selected" : ""}`} role="row">
            <span role="cell">
              {selectable && <input type="checkbox" aria-label={`Select ${host.friendly_name}`} checked={selected.has(host.id)} onChange={(event) => toggle(host.id, event.target.checked)} />}
            </span>
            <span role="cell">
              <Link to={`/hosts/${host.id}`} className="host-name">
                {host.friendly_name}
              </Link>
              <div className="muted small">{host.hostname ?? "—"}</div>
            </span>
            <span role="cell" className="host-col-optional">
              {formatOs(host.os_type, host.os_version) ?? <span className="muted">—</span>}
            </span>
            <span role="cell" className="host-col-optional">
              {host.host_group_memberships.length === 0 ? <span className="muted">—</span> : host.host_group_memberships.map(({ host_groups: g }) => <GroupChip key={g.id} name={g.name} color={g.color} />)}
            </span>
            <span role="cell">
              {host.updatesCount ?? <span className="muted">—</span>}
              {(host.securityUpdatesCount ?? 0) > 0 && <span className="badge badge-danger security-count">{host.securityUpdatesCount} security</span>}
              {host.needs_reboot && <div className="small" style={{ color: "var(--warn)" }}>Reboot</div>}
            </span>
            <span role="cell">
              <StatusBadge status={host.effectiveStatus ?? host.status} />
            </span>
            <span role="cell" className="host-col-optional" title={host.last_update}>
              {formatRelative(host.last_update)}
            </span>
            <span role="cell" className="host-col-optional">
              {host.ip ?? "—"}
            </span>
          </div>
        )}
      />
    </div>
  );
}
