import { useEffect, useState, type CSSProperties } from "react";
import type { HostListItem } from "../../api/types";
import { VirtualList } from "../../components/VirtualList";
import { HostCell } from "./HostCells";
import { hostGridLayout, type HostColumnDefinition } from "./hostColumns";
import type { HostSortField, HostListState } from "./hostListState";

const ROW_HEIGHT = 52;

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

/** Columns without a phone track are hidden on phone-width screens. */
function cellClass(column: HostColumnDefinition): string | undefined {
  return column.phoneTrack ? undefined : "host-col-optional";
}

interface HostTableProps {
  hosts: HostListItem[];
  /** The visible columns, in order. */
  columns: HostColumnDefinition[];
  state: HostListState;
  onSort: (field: HostSortField) => void;
  canSort: (field: HostSortField) => boolean;
  selectable: boolean;
  selected: Set<string>;
  onSelectionChange: (next: Set<string>) => void;
  onNearEnd?: () => void;
}

export function HostTable({ hosts, columns, state, onSort, canSort, selectable, selected, onSelectionChange, onNearEnd }: HostTableProps) {
  const height = useListHeight();
  const grid = hostGridLayout(columns, selectable);
  const gridStyle = { "--host-columns": grid.columns, "--host-phone-columns": grid.phoneColumns, "--host-min-width": `${grid.minWidth}px` } as CSSProperties;
  const allSelected = hosts.length > 0 && hosts.every((host) => selected.has(host.id));
  const toggle = (id: string, on: boolean) => {
    const next = new Set(selected);
    if (on) next.add(id);
    else next.delete(id);
    onSelectionChange(next);
  };

  return (
    <div className="host-grid" role="table" aria-label="Hosts" aria-rowcount={hosts.length} style={gridStyle}>
      <div className="host-grid-content">
        <div className="host-row host-row-head" role="row">
          {selectable && (
            <span role="columnheader">
              <input
                type="checkbox"
                aria-label="Select all loaded hosts"
                checked={allSelected}
                onChange={(event) => onSelectionChange(event.target.checked ? new Set(hosts.map((host) => host.id)) : new Set())}
              />
            </span>
          )}
          {columns.map((column) => (
            <span key={column.id} role="columnheader" className={cellClass(column)} aria-sort={column.sort === state.sort ? (state.order === "asc" ? "ascending" : "descending") : undefined}>
              {canSort(column.sort) ? (
                <button type="button" className="sort-btn" onClick={() => onSort(column.sort)}>
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
              {selectable && (
                <span role="cell">
                  <input type="checkbox" aria-label={`Select ${host.friendly_name}`} checked={selected.has(host.id)} onChange={(event) => toggle(host.id, event.target.checked)} />
                </span>
              )}
              {columns.map((column) => (
                <span key={column.id} role="cell" className={cellClass(column)}>
                  <HostCell column={column.id} host={host} />
                </span>
              ))}
            </div>
          )}
        />
      </div>
    </div>
  );
}
