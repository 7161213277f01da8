import { describe, expect, it } from "vitest";
import { advanceStage, CONNECTION_STAGES, connectionDropped, hasCheckedIn, hasInitialReport, observedStage, stageProgress, type ConnectionStage } from "./connectionStages";

const pending = { status: "pending", os_type: "unknown" };
const checkedIn = { status: "active", os_type: "unknown" };
const reported = { status: "active", os_type: "Ubuntu" };

describe("waiting-for-connection stages", () => {
  it("reads a new host as pending and without a report", () => {
    expect(hasCheckedIn(pending)).toBe(false);
    expect(hasInitialReport(pending)).toBe(false);
    expect(hasCheckedIn(checkedIn)).toBe(true);
    expect(hasInitialReport(checkedIn)).toBe(false);
    expect(hasInitialReport(reported)).toBe(true);
    expect(hasInitialReport({ status: "active", os_type: "" })).toBe(false);
  });

  it("observes the furthest stage one poll shows", () => {
    expect(observedStage({})).toBe("waiting");
    expect(observedStage({ host: pending })).toBe("waiting");
    expect(observedStage({ agentConnected: false, host: pending })).toBe("waiting");
    expect(observedStage({ agentConnected: true, host: pending })).toBe("connected");
    expect(observedStage({ agentConnected: true })).toBe("connected");
    expect(observedStage({ agentConnected: true, host: checkedIn })).toBe("receiving");
    expect(observedStage({ agentConnected: false, host: checkedIn })).toBe("receiving");
    expect(observedStage({ agentConnected: true, host: reported })).toBe("done");
    // A report sent over HTTP without a WebSocket (or before the status poll saw it) still finishes.
    expect(observedStage({ agentConnected: false, host: reported })).toBe("done");
    expect(observedStage({ host: reported })).toBe("done");
  });

  it("only moves forward, skipping stages passed between polls", () => {
    const walk = (observations: ConnectionStage[]) => observations.reduce<ConnectionStage[]>((trail, seen) => [...trail, advanceStage(trail[trail.length - 1] ?? "waiting", seen)], []);
    expect(walk(["waiting", "connected", "receiving", "done"])).toEqual(["waiting", "connected", "receiving", "done"]);
    expect(walk(["connected", "waiting", "connected"])).toEqual(["connected", "connected", "connected"]);
    expect(walk(["waiting", "done", "waiting"])).toEqual(["waiting", "done", "done"]);
    expect(walk(["receiving", "connected"])).toEqual(["receiving", "receiving"]);
  });

  it("marks stages before the current one passed and later ones upcoming", () => {
    expect(CONNECTION_STAGES.map((stage) => stageProgress(stage, "waiting"))).toEqual(["current", "upcoming", "upcoming", "upcoming"]);
    expect(CONNECTION_STAGES.map((stage) => stageProgress(stage, "receiving"))).toEqual(["passed", "passed", "current", "upcoming"]);
    expect(CONNECTION_STAGES.map((stage) => stageProgress(stage, "done"))).toEqual(["passed", "passed", "passed", "current"]);
  });

  it("notices a dropped connection only while waiting for the report over it", () => {
    expect(connectionDropped("connected", false)).toBe(true);
    expect(connectionDropped("connected", undefined)).toBe(false);
    expect(connectionDropped("connected", true)).toBe(false);
    expect(connectionDropped("waiting", false)).toBe(false);
    expect(connectionDropped("receiving", false)).toBe(false);
  });
});
