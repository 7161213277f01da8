import type { Host, HostDetail } from "../../../api/types";
import { KeyValueList } from "../../../components/KeyValueList";
import { EmptyState } from "../../../components/States";
import { formatDateTime, formatValue } from "../../../lib/format";

interface DiskEntry {
  filesystem?: string;
  mountpoint?: string;
  mount_point?: string;
  size?: string;
  used?: string;
  available?: string;
  usage?: string;
}

function DiskTable({ disks }: { disks: DiskEntry[] }) {
  return (
    <div className="table-wrap">
      <table className="table">
        <thead>
          <tr>
            <th>Mount</th>
            <th>Size</th>
            <th>Used</th>
            <th>Available</th>
            <th>Usage</th>
          </tr>
        </thead>
        <tbody>
          {disks.map((disk, index) => (
            <tr key={index}>
              <td>{disk.mountpoint ?? disk.mount_point ?? disk.filesystem ?? "—"}</td>
              <td>{formatValue(disk.size)}</td>
              <td>{formatValue(disk.used)}</td>
              <td>{formatValue(disk.available)}</td>
              <td>{formatValue(disk.usage)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function SystemTab({ host, detail }: { host: Host; detail?: HostDetail }) {
  if (!detail) return <EmptyState title="No system information yet">The agent has not sent a system report for this host.</EmptyState>;
  const disks = Array.isArray(detail.disk_details) ? (detail.disk_details as DiskEntry[]) : [];
  const load = Array.isArray(detail.load_average) ? (detail.load_average as unknown[]).join(", ") : detail.load_average;
  return (
    <div className="stack">
      <div className="card">
        <KeyValueList
          entries={[
            ["Architecture", host.architecture],
            ["Kernel (running)", detail.kernel_version],
            ["Kernel (installed)", detail.installed_kernel_version],
            ["CPU", detail.cpu_model],
            ["CPU cores", detail.cpu_cores],
            ["Memory", detail.ram_installed],
            ["Swap", detail.swap_size],
            ["SELinux", detail.selinux_status],
            ["Uptime", host.system_uptime],
            ["Boot time", host.boot_time ? formatDateTime(host.boot_time) : null],
            ["Load average", load],
            ["Machine ID", detail.machine_id],
          ]}
        />
      </div>
      <div className="card">
        <h3>Disks</h3>
        {disks.length ? <DiskTable disks={disks} /> : <EmptyState title="No disk information" />}
      </div>
    </div>
  );
}
