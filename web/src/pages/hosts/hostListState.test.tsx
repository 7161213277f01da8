import { act, renderHook } from "@testing-library/react";
import type { ReactNode } from "react";
import { MemoryRouter, useLocation } from "react-router-dom";
import { describe, expect, it } from "vitest";
import { DEFAULT_HOST_LIST_STATE, hostListApiQuery, hostListStateToParams, parseHostListState, supportsPagination, toggleSort } from "./hostListState";
import { useHostListState } from "./useHostListState";

describe("host list state <-> URL", () => {
  it("parses defaults from an empty query", () => {
    expect(parseHostListState(new URLSearchParams())).toEqual(DEFAULT_HOST_LIST_STATE);
  });

  it("parses every field and drops invalid values", () => {
    const state = parseHostListState(new URLSearchParams("search=web&group=g1&os=Ubuntu&filter=needsUpdates&reboot=true&hideStale=true&sort=updates&order=asc"));
    expect(state).toEqual({ search: "web", group: "g1", os: "Ubuntu", filter: "needsUpdates", reboot: true, hideStale: true, sort: "updates", order: "asc" });
    const bad = parseHostListState(new URLSearchParams("filter=nope&sort=DROP&order=sideways&reboot=yes"));
    expect(bad).toEqual(DEFAULT_HOST_LIST_STATE);
  });

  it("writes only non-default values and keeps unrelated params", () => {
    const params = hostListStateToParams({ ...DEFAULT_HOST_LIST_STATE, filter: "offline", sort: "friendly_name", order: "asc" }, new URLSearchParams("add=1&search=old"));
    expect(params.toString()).toBe("add=1&filter=offline&sort=friendly_name&order=asc");
  });

  it("round-trips", () => {
    const state = { ...DEFAULT_HOST_LIST_STATE, search: "db 01", group: "ungrouped", reboot: true };
    expect(parseHostListState(hostListStateToParams(state))).toEqual(state);
  });

  it("toggles sort order on the same column and resets on a new one", () => {
    const byUpdates = toggleSort(DEFAULT_HOST_LIST_STATE, "updates");
    expect([byUpdates.sort, byUpdates.order]).toEqual(["updates", "desc"]);
    expect(toggleSort(byUpdates, "updates").order).toBe("asc");
    expect(toggleSort(byUpdates, "friendly_name")).toMatchObject({ sort: "friendly_name", order: "asc" });
  });

  it("builds the API query, without pagination for the offline filter", () => {
    const state = { ...DEFAULT_HOST_LIST_STATE, search: "  web ", reboot: true };
    expect(hostListApiQuery(state, { limit: 500, offset: 1000 })).toEqual({
      search: "web",
      group: undefined,
      os: undefined,
      filter: undefined,
      reboot: "true",
      hideStale: undefined,
      sort: "last_update",
      order: "desc",
      limit: 500,
      offset: 1000,
    });
    expect(supportsPagination({ ...DEFAULT_HOST_LIST_STATE, filter: "offline" })).toBe(false);
    expect(supportsPagination(DEFAULT_HOST_LIST_STATE)).toBe(true);
  });
});

describe("useHostListState", () => {
  it("reads from and writes to the router location", () => {
    let location = "";
    function LocationProbe() {
      const current = useLocation();
      location = current.pathname + current.search;
      return null;
    }
    const wrapper = ({ children }: { children: ReactNode }) => (
      <MemoryRouter initialEntries={["/hosts?filter=needsUpdates"]}>
        {children}
        <LocationProbe />
      </MemoryRouter>
    );
    const { result } = renderHook(() => useHostListState(), { wrapper });
    expect(result.current[0].filter).toBe("needsUpdates");

    act(() => result.current[1]({ ...result.current[0], os: "Debian", sort: "ip", order: "asc" }));
    expect(result.current[0]).toMatchObject({ filter: "needsUpdates", os: "Debian", sort: "ip", order: "asc" });
    expect(location).toBe("/hosts?filter=needsUpdates&os=Debian&sort=ip&order=asc");
  });
});
