import { describe, expect, it } from "vitest";
import type { EnvironmentVariable } from "../../api/types";
import { changedSettings, envSourceOf } from "./settingsFields";

const variable = (key: string, effectiveSource: string) => ({ key, effectiveSource }) as EnvironmentVariable;

describe("settings sources", () => {
  it("treats a key as environment-set from the settings sources map", () => {
    const sources = { server_host: "env", server_port: "database", server_url: "env" };
    expect(envSourceOf("server_host", sources, [])).toBe("SERVER_HOST");
    expect(envSourceOf("server_port", sources, [])).toBeUndefined();
    expect(envSourceOf("server_url", sources, [])).toBe("SERVER_PROTOCOL, SERVER_HOST or SERVER_PORT");
  });

  it("or from an environment variable named like the key", () => {
    expect(envSourceOf("update_interval", undefined, [variable("UPDATE_INTERVAL", "env")])).toBe("UPDATE_INTERVAL");
    expect(envSourceOf("update_interval", undefined, [variable("UPDATE_INTERVAL", "database")])).toBeUndefined();
  });

  it("never sends the sources map back as a change", () => {
    const original = { update_interval: 60, sources: { server_host: "env" } };
    expect(changedSettings(original, { ...original, sources: { ...original.sources }, update_interval: 45 })).toEqual({ update_interval: 45 });
  });
});
