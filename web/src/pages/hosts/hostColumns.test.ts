import { describe, expect, it } from "vitest";
import { DEFAULT_HOST_COLUMNS, HOST_COLUMN_IDS, HOST_COLUMNS, hostColumnsPayload, hostGridLayout, isDefaultHostColumns, mergeHostColumns, setHostColumnVisible, visibleHostColumns } from "./hostColumns";
import { HOST_SORT_FIELDS } from "./hostListState";

const ids = (settings: { id: string }[]) => settings.map((setting) => setting.id);
const shown = (settings: { id: string; visible: boolean }[]) => settings.filter((setting) => setting.visible).map((setting) => setting.id);

describe("host list columns", () => {
  it("has one definition per id, each sortable by a field the list knows", () => {
    expect([...ids([...HOST_COLUMNS])].sort()).toEqual([...HOST_COLUMN_IDS].sort());
    for (const column of HOST_COLUMNS) expect(HOST_SORT_FIELDS).toContain(column.sort);
  });

  it("defaults to the list as it was: name, OS, group, updates, status, last update, IP", () => {
    expect(shown(DEFAULT_HOST_COLUMNS.map((column) => ({ ...column })))).toEqual(["host", "os", "group", "updates", "status", "last_update", "ip"]);
    expect(isDefaultHostColumns(DEFAULT_HOST_COLUMNS)).toBe(true);
  });

  it("uses the defaults when nothing usable is saved", () => {
    for (const saved of [null, undefined, {}, "host,ip", 42, []]) {
      expect(mergeHostColumns(saved)).toEqual(DEFAULT_HOST_COLUMNS);
    }
  });

  it("applies saved order and visibility, appending columns the saved list lacks", () => {
    const merged = mergeHostColumns([
      { id: "status", visible: true, order: 0 },
      { id: "host", visible: true, order: 1 },
      { id: "os", visible: false, order: 2 },
    ]);
    expect(ids(merged).slice(0, 3)).toEqual(["status", "host", "os"]);
    expect(ids(merged).slice(3)).toEqual(ids(DEFAULT_HOST_COLUMNS.filter((column) => !["status", "host", "os"].includes(column.id))));
    expect(shown(merged)).toEqual(["status", "host", "group", "updates", "last_update", "ip"]);
  });

  it("sorts by `order`, falling back to the position for missing or bad orders", () => {
    const merged = mergeHostColumns([
      { id: "ip", visible: true, order: 5 },
      { id: "os", visible: true },
      { id: "group", visible: true, order: "first" },
      { id: "host", visible: true, order: 0 },
    ]);
    expect(ids(merged).slice(0, 4)).toEqual(["host", "os", "group", "ip"]);
  });

  it("drops unknown, stale and repeated ids and malformed entries", () => {
    const merged = mergeHostColumns([
      { id: "actions", visible: true, order: 0 },
      { id: "ws_status", visible: true, order: 1 },
      { id: "lastUpdate", visible: false, order: 2 },
      null,
      "ip",
      { visible: false, order: 3 },
      { id: "ip", visible: false, order: 4 },
      { id: "ip", visible: true, order: 5 },
    ]);
    expect(ids(merged)).toHaveLength(HOST_COLUMNS.length);
    expect(new Set(ids(merged)).size).toBe(HOST_COLUMNS.length);
    expect(merged[0]).toEqual({ id: "ip", visible: false });
  });

  it("keeps required columns visible whatever was saved, and takes the default for a non-boolean visible", () => {
    const merged = mergeHostColumns([
      { id: "host", visible: false, order: 0 },
      { id: "notes", visible: "yes", order: 1 },
      { id: "os", order: 2 },
    ]);
    expect(merged.slice(0, 3)).toEqual([
      { id: "host", visible: true },
      { id: "notes", visible: false },
      { id: "os", visible: true },
    ]);
    expect(setHostColumnVisible(merged, "host", false)[0]).toEqual({ id: "host", visible: true });
    expect(setHostColumnVisible(merged, "notes", true)[1]).toEqual({ id: "notes", visible: true });
  });

  it("round-trips through the saved shape", () => {
    const arranged = setHostColumnVisible(mergeHostColumns([{ id: "ip", visible: true, order: 0 }]), "status", false);
    const payload = hostColumnsPayload(arranged);
    expect(payload[0]).toEqual({ id: "ip", visible: true, order: 0 });
    expect(payload.map((entry) => entry.order)).toEqual(payload.map((_, index) => index));
    expect(mergeHostColumns(JSON.parse(JSON.stringify(payload)))).toEqual(arranged);
    expect(isDefaultHostColumns(arranged)).toBe(false);
  });

  it("builds the grid from the visible columns, with the phone columns and a scroll width", () => {
    const columns = visibleHostColumns(mergeHostColumns([
      { id: "host", visible: true, order: 0 },
      { id: "status", visible: true, order: 1 },
      { id: "ip", visible: true, order: 2 },
      { id: "os", visible: false, order: 3 },
      { id: "group", visible: false, order: 4 },
      { id: "updates", visible: false, order: 5 },
      { id: "last_update", visible: false, order: 6 },
    ]));
    expect(ids(columns)).toEqual(["host", "status", "ip"]);
    expect(hostGridLayout(columns, true)).toEqual({
      columns: "36px minmax(160px, 2fr) 90px minmax(120px, 1fr)",
      phoneColumns: "32px minmax(120px, 1fr) 84px",
      minWidth: 36 + 160 + 90 + 120 + 3 * 8 + 20,
    });
    expect(hostGridLayout(columns, false).columns).toBe("minmax(160px, 2fr) 90px minmax(120px, 1fr)");
  });
});
