import { useMemo, useState } from "react";
import type { HostPackage } from "../../../api/types";
import { EmptyState } from "../../../components/States";
import { Badge } from "../../../components/StatusBadge";
import { VirtualList } from "../../../components/VirtualList";

type PackageFilter = "all" | "updates" | "security";

const ROW_HEIGHT = 40;

export function PackagesTab({ packages }: { packages?: HostPackage[] }) {
  const [search, setSearch] = useState("");
  const [filter, setFilter] = useState<PackageFilter>("updates");

  const visible = useMemo(() => {
    const needle = search.trim().toLowerCase();
    return (packages ?? [])
      .filter((pkg) => (filter === "all" ? true : filter === "updates" ? pkg.needs_update : pkg.is_security_update))
      .filter((pkg) => !needle || (pkg.packages?.name ?? "").toLowerCase().includes(needle))
      .sort((a, b) => (a.packages?.name ?? "").localeCompare(b.packages?.name ?? ""));
  }, [packages, search, filter]);

  if (!packages || packages.length === 0) return <EmptyState title="No packages reported">The agent has not reported a package inventory for this host yet.</EmptyState>;

  return (
    <div>
      <div className="toolbar">
        <input type="search" aria-label="Search packages" placeholder="Search packages…" value={search} onChange={(event) => setSearch(event.target.value)} />
        <select aria-label="Package filter" value={filter} onChange={(event) => setFilter(event.target.value as PackageFilter)}>
          <option value="updates">Needs update</option>
          <option value="security">Security updates</option>
          <option value="all">All packages</option>
        </select>
        <span className="muted">{visible.length} package(s)</span>
      </div>
      {visible.length === 0 ? (
        <EmptyState title="Nothing to show">No package matches this filter.</EmptyState>
      ) : (
        <div className="host-grid">
          <div className="host-row host-row-head" style={{ gridTemplateColumns: "2fr 1fr 1fr 110px" }}>
            <span>Package</span>
            <span>Installed</span>
            <span>Available</span>
            <span>Type</span>
          </div>
          <VirtualList
            items={visible}
            rowHeight={ROW_HEIGHT}
            height={Math.min(560, visible.length * ROW_HEIGHT)}
            getKey={(pkg) => pkg.id}
            renderRow={(pkg) => (
              <div className="host-row" style={{ gridTemplateColumns: "2fr 1fr 1fr 110px" }}>
                <span>{pkg.packages?.name ?? "—"}</span>
                <span>
                  <code>{pkg.current_version}</code>
                </span>
                <span>{pkg.available_version ? <code>{pkg.available_version}</code> : <span className="muted">—</span>}</span>
                <span>{pkg.is_security_update ? <Badge tone="danger">Security</Badge> : pkg.needs_update ? <Badge tone="warn">Update</Badge> : <Badge tone="ok">Current</Badge>}</span>
              </div>
            )}
          />
        </div>
      )}
    </div>
  );
}
