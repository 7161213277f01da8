import type { PluginView } from "../../../api/plugins";
import { Badge } from "../../../components/StatusBadge";
import { STATUS_LABELS } from "./pluginLogic";

const TONES = { enabled: "ok", disabled: "neutral", auto_disabled: "danger" } as const;

/** Status badge; an auto-disabled plugin also shows why the server turned it off. */
export function PluginStatusBadge({ plugin, withReason = true }: { plugin: PluginView; withReason?: boolean }) {
  return (
    <span className="plugin-status">
      <Badge tone={TONES[plugin.status] ?? "neutral"}>{STATUS_LABELS[plugin.status] ?? plugin.status}</Badge>
      {withReason && plugin.status === "auto_disabled" && plugin.status_reason && <span className="small plugin-status-reason">{plugin.status_reason}</span>}
    </span>
  );
}
