import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { api } from "../../../api";
import { useEndpoint } from "../../../api/capabilities";
import { ErrorState, errorText, Loading, NotAvailable, Notice } from "../../../components/States";
import { Badge } from "../../../components/StatusBadge";

interface IntegrationsView {
  compliance_mode?: string;
  pending_config_exists?: boolean;
  pending_config?: Record<string, unknown>;
  data?: { integrations: { docker: boolean; compliance: boolean }; connected: boolean };
}

const INTEGRATIONS = [
  { key: "docker", label: "Docker", description: "Containers, images, volumes and networks." },
  { key: "compliance", label: "Compliance", description: "OpenSCAP and Docker Bench scans." },
] as const;

export function IntegrationsTab({ hostId, canEdit }: { hostId: string; canEdit: boolean }) {
  const queryClient = useQueryClient();
  const endpoint = useEndpoint("GET", "/hosts/{hostId}/integrations");
  const query = useQuery({
    queryKey: ["hosts", "integrations", hostId],
    queryFn: () => api.get<IntegrationsView>(`/hosts/${hostId}/integrations`),
    enabled: endpoint === "available",
  });
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ kind: "error" | "success"; text: string } | null>(null);

  if (endpoint === "missing") return <NotAvailable what="Integrations are" />;
  if (query.isPending) return <Loading />;
  if (query.isError) return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  const view = query.data;
  const integrations = view?.data?.integrations;

  const run = async (action: () => Promise<{ message?: string }>) => {
    setBusy(true);
    setMessage(null);
    try {
      const result = await action();
      setMessage({ kind: "success", text: result.message ?? "Saved" });
      void queryClient.invalidateQueries({ queryKey: ["hosts", "integrations", hostId] });
    } catch (err) {
      setMessage({ kind: "error", text: errorText(err) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="stack">
      <div className="card">
        <p>
          Agent connection: {view?.data?.connected ? <Badge tone="ok">Connected</Badge> : <Badge tone="warn">Not connected</Badge>}
          {view?.compliance_mode && <span className="muted"> · compliance mode: {view.compliance_mode}</span>}
        </p>
        <ul className="list-plain">
          {INTEGRATIONS.map((integration) => {
            const enabled = integrations?.[integration.key] ?? false;
            return (
              <li key={integration.key}>
                <span>
                  <strong>{integration.label}</strong> <span className="muted">— {integration.description}</span>
                </span>
                <label className="checkbox">
                  <input
                    type="checkbox"
                    checked={enabled}
                    disabled={!canEdit || busy}
                    onChange={(event) => run(() => api.post(`/hosts/${hostId}/integrations/${integration.key}/toggle`, { enabled: event.target.checked }))}
                  />
                  {enabled ? "Enabled" : "Disabled"}
                </label>
              </li>
            );
          })}
        </ul>
      </div>
      {view?.pending_config_exists && (
        <Notice kind="info">
          Changes are pending until they are applied to the agent.{" "}
          {canEdit && (
            <button type="button" className="btn btn-small" disabled={busy} onClick={() => run(() => api.post(`/hosts/${hostId}/integrations/apply-pending-config`))}>
              Apply now
            </button>
          )}
        </Notice>
      )}
      {message && <Notice kind={message.kind}>{message.text}</Notice>}
    </div>
  );
}
