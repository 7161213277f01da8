/**
 * The "waiting for connection" screen after adding a host: PatchMon's four stages, worked out
 * from what the server can tell while polling. A stage is never taken back (a dropped WebSocket
 * does not return to "waiting"), and stages the agent passes between two polls are skipped.
 */
export const CONNECTION_STAGES = ["waiting", "connected", "receiving", "done"] as const;
export type ConnectionStage = (typeof CONNECTION_STAGES)[number];

export const POLL_INTERVAL_MS = 2000;
/** How long the done stage stays on screen before the host page opens. */
export const DONE_PAUSE_MS = 1500;
/** After this long without a report the troubleshooting hints open by themselves. */
export const TROUBLESHOOTING_AFTER_MS = 60_000;

export const STAGE_TEXT: Record<ConnectionStage, { title: string; description: string }> = {
  waiting: {
    title: "Waiting for connection",
    description: "The host is registered, but no agent has connected yet. Run the install command on the host as root.",
  },
  connected: {
    title: "Connected",
    description: "The agent has opened its connection to the server. Its first report is on the way.",
  },
  receiving: {
    title: "Receiving initial report",
    description: "The agent has checked in and is sending its first system and package inventory.",
  },
  done: {
    title: "Done",
    description: "The initial report has arrived. Opening the host…",
  },
};

/** The fields of `GET /hosts/{id}` that show how far the agent got. */
export interface OnboardingHost {
  status: string;
  os_type: string;
}

export interface ConnectionObservation {
  /** The agent's WebSocket is open (`GET /ws/status/{apiId}`); undefined while unknown. */
  agentConnected?: boolean;
  host?: OnboardingHost;
}

/** A new host is `pending`; the agent's first check-in or report makes it `active`. */
export function hasCheckedIn(host: OnboardingHost): boolean {
  return host.status !== "pending";
}

/** A new host's OS is `unknown`; only the agent's inventory report fills it in (a check-in does not). */
export function hasInitialReport(host: OnboardingHost): boolean {
  return host.os_type !== "unknown" && host.os_type !== "";
}

/** The furthest stage this one poll shows. */
export function observedStage({ agentConnected, host }: ConnectionObservation): ConnectionStage {
  if (host && hasInitialReport(host)) return "done";
  if (host && hasCheckedIn(host)) return "receiving";
  if (agentConnected) return "connected";
  return "waiting";
}

/** Moves forward to what was observed, never back. */
export function advanceStage(current: ConnectionStage, observed: ConnectionStage): ConnectionStage {
  return CONNECTION_STAGES.indexOf(observed) > CONNECTION_STAGES.indexOf(current) ? observed : current;
}

export type StageProgress = "passed" | "current" | "upcoming";

/** How stage `stage` is drawn while the screen is at `current`. */
export function stageProgress(stage: ConnectionStage, current: ConnectionStage): StageProgress {
  const at = CONNECTION_STAGES.indexOf(current);
  const index = CONNECTION_STAGES.indexOf(stage);
  if (index < at) return "passed";
  return index === at ? "current" : "upcoming";
}

/** The agent connected earlier but its WebSocket is closed now, before the report arrived. */
export function connectionDropped(stage: ConnectionStage, agentConnected: boolean | undefined): boolean {
  return stage === "connected" && agentConnected === false;
}
