import { describe, expect, it } from "vitest";
import {
  affectedHosts,
  DEFAULT_PACKAGE_LIST_STATE,
  packageListApiQuery,
  packageListStateToParams,
  packageStatus,
  parsePackageListState,
  toggleSort,
  withChange,
} from "./packageListState";

const parse = (query: string) => parsePackageListState(new URLSearchParams(query));

describe("package list state", () => {
  it("reads PatchMon's deep links, aliases included, and ignores bad values", () => {
    expect(parse("filter=outdated").tab).toBe("outdated");
    expect(parse("filter=security-updates").tab).toBe("security");
    expect(parse("filter=regular").tab).toBe("regular");
    expect(parse("filter=bogus&page=-2&limit=7&sort=evil&order=up")).toEqual(DEFAULT_PACKAGE_LIST_STATE);
    expect(parse("host=h1&page=3&limit=100&search=ssl")).toMatchObject({ host: "h1", page: 3, pageSize: 100, search: "ssl" });
  });

  it("round-trips through the URL and leaves defaults out", () => {
    expect(packageListStateToParams(DEFAULT_PACKAGE_LIST_STATE).toString()).toBe("");
    const state = { ...DEFAULT_PACKAGE_LIST_STATE, tab: "security" as const, search: "open", page: 2, pageSize: 25, sort: "status" as const, order: "desc" as const, host: "h9" };
    expect(parsePackageListState(packageListStateToParams(state))).toEqual(state);
  });

  it("maps each tab to the server's filters", () => {
    const query = (tab: "all" | "outdated" | "security" | "regular") => packageListApiQuery({ ...DEFAULT_PACKAGE_LIST_STATE, tab });
    expect(query("all")).toMatchObject({ needsUpdate: undefined, isSecurityUpdate: undefined });
    expect(query("outdated")).toMatchObject({ needsUpdate: "true", isSecurityUpdate: undefined });
    expect(query("security")).toMatchObject({ needsUpdate: undefined, isSecurityUpdate: "true" });
    expect(query("regular")).toMatchObject({ needsUpdate: "true", isSecurityUpdate: "false" });
    expect(packageListApiQuery({ ...DEFAULT_PACKAGE_LIST_STATE, search: "  ssl " })).toMatchObject({ search: "ssl", page: 1, limit: 50, sort: "name", order: "asc" });
  });

  it("goes back to page 1 on any change and flips the order on the same column", () => {
    const onPage3 = { ...DEFAULT_PACKAGE_LIST_STATE, page: 3 };
    expect(withChange(onPage3, { tab: "outdated" }).page).toBe(1);
    expect(toggleSort(onPage3, "name")).toMatchObject({ sort: "name", order: "desc", page: 1 });
    expect(toggleSort(onPage3, "packageHosts")).toMatchObject({ sort: "packageHosts", order: "desc" });
  });

  it("shows hosts affected as N/M and the most urgent status", () => {
    expect(affectedHosts({ totalInstalls: 12, updatesNeeded: 3, securityUpdates: 0 })).toEqual({ text: "3/12", title: "3 of 12 hosts with this package need an update" });
    expect(affectedHosts({ totalInstalls: 1, updatesNeeded: 1, securityUpdates: 1 }).title).toBe("1 of 1 host with this package needs an update");
    expect(packageStatus({ totalInstalls: 2, updatesNeeded: 2, securityUpdates: 1 })).toBe("security");
    expect(packageStatus({ totalInstalls: 2, updatesNeeded: 1, securityUpdates: 0 })).toBe("update");
    expect(packageStatus({ totalInstalls: 2, updatesNeeded: 0, securityUpdates: 0 })).toBe("current");
  });
});
