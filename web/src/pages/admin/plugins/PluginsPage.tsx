import { useState } from "react";
import { useSearchParams } from "react-router-dom";
import { useEndpoint } from "../../../api/capabilities";
import { usePlugins, type PluginView } from "../../../api/plugins";
import { Icon } from "../../../components/Icon";
import { EmptyState, ErrorState, Loading, NotAvailable, Notice } from "../../../components/States";
import { Badge } from "../../../components/StatusBadge";
import { InstallPluginDialog, type InstallOutcome } from "./InstallPluginDialog";
import { PluginDetail } from "./PluginDetail";
import { KIND_LABELS, ungranted } from "./pluginLogic";
import { PluginStatusBadge } from "./PluginStatusBadge";

function sortPlugins(plugins: PluginView[]): PluginView[] {
  return [...plugins].sort((a, b) => a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name));
}

export default function PluginsPage() {
  const endpoint = useEndpoint("GET", "/plugins");
  const canInstall = useEndpoint("POST", "/plugins") !== "missing";
  const plugins = usePlugins(endpoint === "available");
  const [params, setParams] = useSearchParams();
  const [installing, setInstalling] = useState(false);
  const [installed, setInstalled] = useState<InstallOutcome | null>(null);
  const openId = params.get("plugin");
  const open = openId ? plugins.data?.find((plugin) => plugin.id === openId) : undefined;
  const show = (id: string | null) => setParams(id ? { plugin: id } : {}, { replace: true });

  return (
    <div className="page">
      <div className="page-header">
        <h1>Plugins</h1>
        {endpoint === "available" && canInstall && (
          <button type="button" className="btn btn-primary" onClick={() => setInstalling(true)}>
            <Icon name="plus" /> Install plugin
          </button>
        )}
      </div>
      {installed && (
        <Notice kind="success">
          {installed.upgraded
            ? `${installed.plugin.name} upgraded to ${installed.plugin.version}.`
            : `${installed.plugin.name} ${installed.plugin.version} installed. It is disabled and may do nothing yet: review its permissions, then enable it.`}
        </Notice>
      )}
      {endpoint === "missing" ? (
        <NotAvailable what="Plugins are" />
      ) : plugins.isPending ? (
        <Loading />
      ) : plugins.isError ? (
        <ErrorState error={plugins.error} onRetry={() => void plugins.refetch()} />
      ) : plugins.data.length === 0 ? (
        <EmptyState title="No plugins installed">Plugins add collectors, notifiers, integrations and scanners. Install one from a .pmplugin file.</EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="table" aria-label="Plugins">
            <thead>
              <tr>
                <th>Plugin</th>
                <th>Kind</th>
                <th>Version</th>
                <th>Status</th>
                <th className="col-optional">Permissions</th>
              </tr>
            </thead>
            <tbody>
              {sortPlugins(plugins.data).map((plugin) => {
                const missing = ungranted(plugin).length;
                return (
                  <tr key={plugin.id}>
                    <td>
                      <button type="button" className="link-button" onClick={() => show(plugin.id)}>
                        {plugin.name}
                      </button>{" "}
                      {plugin.builtin && <Badge tone="info">Built-in</Badge>}
                      {plugin.description && <div className="muted small clamp-1">{plugin.description}</div>}
                    </td>
                    <td>{KIND_LABELS[plugin.kind] ?? plugin.kind}</td>
                    <td>
                      <code>{plugin.version}</code>
                    </td>
                    <td>
                      <PluginStatusBadge plugin={plugin} />
                    </td>
                    <td className="col-optional">
                      {plugin.requested_capabilities.length === 0 ? (
                        <span className="muted">none needed</span>
                      ) : missing > 0 ? (
                        <Badge tone="warn">{`${missing} of ${plugin.requested_capabilities.length} not granted`}</Badge>
                      ) : (
                        <span className="muted">all granted</span>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {open && <PluginDetail key={open.id} plugin={open} onClose={() => show(null)} />}
      {installing && (
        <InstallPluginDialog
          onClose={() => setInstalling(false)}
          onInstalled={(outcome) => {
            setInstalling(false);
            setInstalled(outcome);
            show(outcome.plugin.id);
          }}
        />
      )}
    </div>
  );
}
