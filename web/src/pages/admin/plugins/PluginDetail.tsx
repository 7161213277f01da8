import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useEndpoint } from "../../../api/capabilities";
import { PLUGINS_KEY, pluginApi, useStorePlugin, type PluginTestResult, type PluginView } from "../../../api/plugins";
import { KeyValueList } from "../../../components/KeyValueList";
import { ConfirmDialog, Modal } from "../../../components/Modal";
import { errorText, Notice } from "../../../components/States";
import { Badge } from "../../../components/StatusBadge";
import { formatDateTime } from "../../../lib/format";
import { CapabilityGrants } from "./CapabilityGrants";
import { PluginConfigForm } from "./PluginConfigForm";
import { explainCapabilities, KIND_LABELS, ungranted } from "./pluginLogic";
import { PluginStatusBadge } from "./PluginStatusBadge";

function EnableToggle({ plugin }: { plugin: PluginView }) {
  const store = useStorePlugin();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const missing = ungranted(plugin);
  const titles = new Map(explainCapabilities(plugin).map((cap) => [cap.name, cap.title.toLowerCase()]));
  const run = async () => {
    setBusy(true);
    setError(null);
    try {
      await store(plugin.enabled ? await pluginApi.disable(plugin.id) : await pluginApi.enable(plugin.id));
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="stack-tight">
      <div className="actions">
        <PluginStatusBadge plugin={plugin} />
        <button type="button" className={`btn ${plugin.enabled ? "" : "btn-primary"}`} disabled={busy} onClick={run}>
          {busy ? "Working…" : plugin.enabled ? "Disable" : "Enable"}
        </button>
      </div>
      {!plugin.enabled && missing.length > 0 && (
        <p className="small muted">
          Not granted yet: {missing.map((name) => titles.get(name) ?? name).join(", ")}. The plugin can be enabled, but it will be refused those.
        </p>
      )}
      {error && <Notice kind="error">{error}</Notice>}
    </div>
  );
}

function SendTest({ plugin }: { plugin: PluginView }) {
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<PluginTestResult | null>(null);
  const run = async () => {
    setBusy(true);
    setResult(null);
    try {
      setResult(await pluginApi.test(plugin.id));
    } catch (err) {
      setResult({ ok: false, message: errorText(err) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="actions">
      <button type="button" className="btn" disabled={busy} onClick={run}>
        {busy ? "Sending…" : "Send test"}
      </button>
      <span className="muted small">Delivers a test event with the saved configuration.</span>
      {result && <Notice kind={result.ok ? "success" : "error"}>{result.message || (result.ok ? "Delivered" : "Failed")}</Notice>}
    </div>
  );
}

export function PluginDetail({ plugin, onClose }: { plugin: PluginView; onClose: () => void }) {
  const queryClient = useQueryClient();
  const canTest = useEndpoint("POST", "/plugins/{id}/test") !== "missing";
  const [removing, setRemoving] = useState(false);
  const [removeBusy, setRemoveBusy] = useState(false);
  const [removeError, setRemoveError] = useState<string | null>(null);

  const remove = async () => {
    setRemoveBusy(true);
    setRemoveError(null);
    try {
      await pluginApi.remove(plugin.id);
      queryClient.setQueryData<PluginView[]>(PLUGINS_KEY, (list) => list?.filter((p) => p.id !== plugin.id));
      void queryClient.invalidateQueries({ queryKey: PLUGINS_KEY });
      onClose();
    } catch (err) {
      setRemoveError(errorText(err));
      setRemoveBusy(false);
    }
  };

  const { metrics, limits } = plugin;
  return (
    <>
    <Modal
      title={`${plugin.name} ${plugin.version}`}
      onClose={onClose}
      wide
      footer={
        <>
          {!plugin.builtin && (
            <button type="button" className="btn btn-danger" onClick={() => setRemoving(true)}>
              Uninstall
            </button>
          )}
          <button type="button" className="btn" onClick={onClose}>
            Close
          </button>
        </>
      }
    >
      <div className="plugin-detail">
        <p>
          {plugin.description || <span className="muted">No description.</span>} {plugin.builtin && <Badge tone="info">Built-in</Badge>}
        </p>
        <EnableToggle plugin={plugin} />

        <h3>Permissions</h3>
        {/* Keyed on the grants so a change elsewhere (an upgrade) resets the checkboxes. */}
        <CapabilityGrants key={`${plugin.version}:${plugin.granted_capabilities.join(",")}`} plugin={plugin} />

        <h3>Configuration</h3>
        <PluginConfigForm key={`${plugin.id}:${plugin.version}`} plugin={plugin} />
        {plugin.kind === "notifier" && canTest && <SendTest plugin={plugin} />}

        <h3>Details</h3>
        <KeyValueList
          entries={[
            ["Identifier", <code key="id">{plugin.id}</code>],
            ["Kind", KIND_LABELS[plugin.kind] ?? plugin.kind],
            ["Plugin API", plugin.api_version],
            ["Author", plugin.author],
            ["Licence", plugin.license],
            ["Package checksum", <code key="sha" className="break">{plugin.wasm_sha256}</code>],
            ["Limits", `${limits.memory_mib} MiB memory, ${limits.timeout_ms} ms per call${limits.fuel ? `, ${limits.fuel.toLocaleString()} fuel` : ""}`],
            ["Calls", `${metrics.calls} (${metrics.failures} failed, ${metrics.timeouts} timed out, ${metrics.denials} refused)`],
            ["Installed", formatDateTime(plugin.installed_at)],
            ["Updated", formatDateTime(plugin.updated_at)],
          ]}
        />
      </div>
    </Modal>
      {removing && (
        <ConfirmDialog
          title="Uninstall plugin"
          message={`Uninstall ${plugin.name}? It is removed from this server together with its configuration and permissions.`}
          confirmLabel="Uninstall"
          danger
          busy={removeBusy}
          error={removeError}
          onCancel={() => setRemoving(false)}
          onConfirm={remove}
        />
      )}
    </>
  );
}
