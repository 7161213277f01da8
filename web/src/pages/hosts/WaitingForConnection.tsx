import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { Link, useNavigate } from "react-router-dom";
import { api } from "../../api";
import { useEndpoint } from "../../api/capabilities";
import type { Host } from "../../api/types";
import { Modal } from "../../components/Modal";
import { Notice } from "../../components/States";
import { AgentTroubleshooting } from "./AgentTroubleshooting";
import {
  advanceStage,
  CONNECTION_STAGES,
  connectionDropped,
  DONE_PAUSE_MS,
  observedStage,
  POLL_INTERVAL_MS,
  STAGE_TEXT,
  stageProgress,
  TROUBLESHOOTING_AFTER_MS,
  type ConnectionStage,
} from "./connectionStages";

interface Props {
  hostId: string;
  apiId: string;
  friendlyName: string;
  onViewCommand: () => void;
  onClose: () => void;
}

function StageList({ stage }: { stage: ConnectionStage }) {
  return (
    <ol className="connection-stages" aria-label="Connection progress">
      {CONNECTION_STAGES.map((step) => {
        const progress = stageProgress(step, stage);
        const finished = progress === "passed" || (progress === "current" && step === "done");
        return (
          <li key={step} className={`connection-stage connection-stage-${progress}${finished ? " connection-stage-finished" : ""}`} aria-current={progress === "current" ? "step" : undefined}>
            <span className="connection-stage-marker" aria-hidden="true">
              {finished ? "✓" : progress === "current" ? <span className="spinner" /> : ""}
            </span>
            <span>
              <strong>{STAGE_TEXT[step].title}</strong>
              {progress === "current" && <span className="muted small connection-stage-description">{STAGE_TEXT[step].description}</span>}
            </span>
          </li>
        );
      })}
    </ol>
  );
}

/** Step 4 of adding a host: polls until the agent connects and its first report arrives, then opens the host. */
export function WaitingForConnection({ hostId, apiId, friendlyName, onViewCommand, onClose }: Props) {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [stage, setStage] = useState<ConnectionStage>("waiting");
  const [slow, setSlow] = useState(false);
  const polling = stage === "done" ? false : POLL_INTERVAL_MS;
  // The parent's onClose is a new function on each of its renders; the redirect timer must not restart with it.
  const closeRef = useRef(onClose);
  useEffect(() => {
    closeRef.current = onClose;
  }, [onClose]);

  const host = useQuery({
    queryKey: ["hosts", "onboarding", hostId],
    queryFn: () => api.get<Host>(`/hosts/${hostId}`),
    refetchInterval: polling,
  });
  const wsEndpoint = useEndpoint("GET", "/ws/status/{apiId}");
  const connection = useQuery({
    queryKey: ["ws-status", apiId],
    queryFn: async () => (await api.get<{ data: { connected: boolean } }>(`/ws/status/${encodeURIComponent(apiId)}`)).data,
    refetchInterval: polling,
    enabled: wsEndpoint === "available",
  });
  const agentConnected = connection.data?.connected;

  useEffect(() => {
    setStage((current) => advanceStage(current, observedStage({ agentConnected, host: host.data })));
  }, [agentConnected, host.data]);

  useEffect(() => {
    const timer = window.setTimeout(() => setSlow(true), TROUBLESHOOTING_AFTER_MS);
    return () => window.clearTimeout(timer);
  }, []);

  useEffect(() => {
    if (stage !== "done") return;
    void queryClient.invalidateQueries({ queryKey: ["hosts"] });
    const timer = window.setTimeout(() => {
      closeRef.current();
      navigate(`/hosts/${hostId}`);
    }, DONE_PAUSE_MS);
    return () => window.clearTimeout(timer);
  }, [stage, hostId, navigate, queryClient]);

  return (
    <Modal
      title={`Connecting ${friendlyName}`}
      onClose={onClose}
      wide
      footer={
        <>
          {stage !== "done" && (
            <button type="button" className="btn" onClick={onViewCommand}>
              View command again
            </button>
          )}
          <button type="button" className="btn" onClick={onClose}>
            Close
          </button>
          <Link to={`/hosts/${hostId}`} className="btn btn-primary" onClick={onClose}>
            Open host
          </Link>
        </>
      }
    >
      <div className="stack">
        <StageList stage={stage} />
        {connectionDropped(stage, agentConnected) && <Notice kind="info">The agent's connection dropped. It reconnects by itself; the report can also arrive without it.</Notice>}
        {host.isError && <Notice kind="error">Could not check the host: {host.error.message}. Still trying every few seconds.</Notice>}
        {stage !== "done" && (
          <>
            {slow && <Notice kind="info">Still no report after a minute. Check the host:</Notice>}
            <AgentTroubleshooting open={slow} />
          </>
        )}
      </div>
    </Modal>
  );
}
