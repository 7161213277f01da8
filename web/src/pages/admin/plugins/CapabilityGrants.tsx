import { useState } from "react";
import { pluginApi, useStorePlugin, type PluginView } from "../../../api/plugins";
import { errorText, Notice } from "../../../components/States";
import { Badge } from "../../../components/StatusBadge";
import { explainCapabilities, grantPayload, grantsChanged, initialGrantSelection, type Risk } from "./pluginLogic";

const RISK_TONE: Record<Risk, "danger" | "warn" | "neutral"> = { high: "danger", medium: "warn", low: "neutral" };

/** The grant step: every requested capability explained, with a checkbox to allow it. */
export function CapabilityGrants({ plugin }: { plugin: PluginView }) {
  const store = useStorePlugin();
  const [selection, setSelection] = useState(() => initialGrantSelection(plugin));
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ kind: "error" | "success"; text: string } | null>(null);
  const explanations = explainCapabilities(plugin);

  if (explanations.length === 0) return <p className="muted">This plugin asks for no capabilities: it can only compute on what the server hands it.</p>;

  const toggle = (name: string, on: boolean) => {
    const next = new Set(selection);
    if (on) next.add(name);
    else next.delete(name);
    setSelection(next);
    setResult(null);
  };

  const save = async () => {
    setBusy(true);
    setResult(null);
    try {
      const updated = await pluginApi.setGrants(plugin.id, grantPayload(plugin, selection).capabilities);
      await store(updated);
      setSelection(initialGrantSelection(updated));
      setResult({ kind: "success", text: "Permissions saved" });
    } catch (err) {
      setResult({ kind: "error", text: errorText(err) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="capabilities">
      <p className="muted small">Nothing is allowed when a plugin is installed. Tick what this plugin may do; anything left unticked is refused while it runs.</p>
      <ul className="capability-list">
        {explanations.map((cap) => (
          <li key={cap.name}>
            <label className="checkbox">
              <input type="checkbox" checked={selection.has(cap.name)} onChange={(event) => toggle(cap.name, event.target.checked)} />
              <strong>{cap.title}</strong> <Badge tone={RISK_TONE[cap.risk]}>{`${cap.risk} risk`}</Badge>
            </label>
            <p className="small capability-summary">{cap.summary}</p>
            {cap.details.length > 0 && (
              <ul className="capability-details">
                {cap.details.map((detail) => (
                  <li key={detail}>
                    <code>{detail}</code>
                  </li>
                ))}
              </ul>
            )}
          </li>
        ))}
      </ul>
      <div className="actions">
        <button type="button" className="btn btn-primary" disabled={busy || !grantsChanged(plugin, selection)} onClick={save}>
          {busy ? "Saving…" : "Save permissions"}
        </button>
        {result && <Notice kind={result.kind}>{result.text}</Notice>}
      </div>
    </div>
  );
}
