import { describe, expect, it } from "vitest";
import type { Host } from "../../api/types";
import { canSortBy, chooseHostListSource, hostToListItem } from "./hostListSource";

describe("host list source", () => {
  it("prefers the dashboard list, then the admin list for managers, then the plain list", () => {
    expect(chooseHostListSource("available", false)).toBe("dashboard");
    expect(chooseHostListSource("missing", true)).toBe("admin");
    expect(chooseHostListSource("missing", false)).toBe("basic");
  });

  it("sorts plain lists only by fields they have", () => {
    expect(canSortBy("dashboard", "updates")).toBe(true);
    expect(canSortBy("admin", "updates")).toBe(false);
    expect(canSortBy("basic", "friendly_name")).toBe(true);
  });

  it("turns a host into a list row without package counts", () => {
    const host = {
      id: "h1",
      friendly_name: "web",
      api_id: "patchmon_1",
      os_type: "unknown",
      os_version: "unknown",
      status: "pending",
      effective_status: "pending",
      hostname: null,
      ip: null,
      agent_version: null,
      notes: null,
      needs_reboot: null,
      last_update: "2026-01-01T00:00:00Z",
      host_group_memberships: [{ id: "g1", name: "prod", color: "#fff" }],
    } as unknown as Host;
    const row = hostToListItem(host);
    expect(row.effectiveStatus).toBe("pending");
    expect(row.host_group_memberships).toEqual([{ host_groups: { id: "g1", name: "prod", color: "#fff" } }]);
    expect(row.updatesCount).toBeUndefined();
  });
});
