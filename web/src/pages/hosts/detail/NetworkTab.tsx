import type { Host, HostDetail } from "../../../api/types";
import { KeyValueList } from "../../../components/KeyValueList";
import { EmptyState } from "../../../components/States";

export function NetworkTab({ host, detail }: { host: Host; detail?: HostDetail }) {
  if (!detail) return <EmptyState title="No network information yet">The agent has not sent network details for this host.</EmptyState>;
  const interfaces = detail.network_interfaces ?? [];
  return (
    <div className="stack">
      <div className="card">
        <KeyValueList
          entries={[
            ["IP address", host.ip],
            ["Gateway", detail.gateway_ip],
            ["DNS servers", (detail.dns_servers ?? []).join(", ") || null],
          ]}
        />
      </div>
      <div className="card">
        <h3>Interfaces</h3>
        {interfaces.length === 0 ? (
          <EmptyState title="No interfaces reported" />
        ) : (
          <div className="table-wrap">
            <table className="table">
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Type</th>
                  <th>MAC</th>
                  <th>Addresses</th>
                </tr>
              </thead>
              <tbody>
                {interfaces.map((iface) => (
                  <tr key={iface.name}>
                    <td>{iface.name}</td>
                    <td>{iface.type ?? "—"}</td>
                    <td>
                      <code>{iface.macAddress ?? "—"}</code>
                    </td>
                    <td>
                      {(iface.addresses ?? []).map((address) => (
                        <div key={`${address.family}-${address.address}`}>
                          {address.address}
                          {address.netmask ? `/${address.netmask}` : ""} <span className="muted small">{address.family}</span>
                        </div>
                      ))}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </div>
    </div>
  );
}
