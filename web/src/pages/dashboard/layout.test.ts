import { describe, expect, it } from "vitest";
import { CHARTS_COLUMN_RANGE, clampColumns, columnChoices, DEFAULT_DASHBOARD_LAYOUT, parseDashboardLayout, sameLayout, STATS_COLUMN_RANGE } from "./layout";

describe("dashboard column layout", () => {
  it("clamps to the range and rounds to whole columns", () => {
    expect(clampColumns(1, STATS_COLUMN_RANGE, 6)).toBe(2);
    expect(clampColumns(9, STATS_COLUMN_RANGE, 6)).toBe(6);
    expect(clampColumns(3.6, STATS_COLUMN_RANGE, 6)).toBe(4);
    expect(clampColumns(5, CHARTS_COLUMN_RANGE, 4)).toBe(4);
    expect(clampColumns(3, CHARTS_COLUMN_RANGE, 4)).toBe(3);
  });

  it("uses the fallback for values that are not numbers", () => {
    for (const value of [undefined, null, "4", Number.NaN, Number.POSITIVE_INFINITY, {}]) {
      expect(clampColumns(value, STATS_COLUMN_RANGE, 6)).toBe(6);
    }
  });

  it("parses the server's answer, defaulting what is missing or malformed", () => {
    expect(parseDashboardLayout({ stats_columns: 3, charts_columns: 2 })).toEqual({ stats_columns: 3, charts_columns: 2 });
    expect(parseDashboardLayout({ stats_columns: 12 })).toEqual({ stats_columns: 6, charts_columns: 4 });
    expect(parseDashboardLayout(null)).toEqual(DEFAULT_DASHBOARD_LAYOUT);
    expect(parseDashboardLayout("<html>")).toEqual(DEFAULT_DASHBOARD_LAYOUT);
  });

  it("offers every allowed column count", () => {
    expect(columnChoices(STATS_COLUMN_RANGE)).toEqual([2, 3, 4, 5, 6]);
    expect(columnChoices(CHARTS_COLUMN_RANGE)).toEqual([2, 3, 4]);
  });

  it("compares layouts by value", () => {
    expect(sameLayout({ stats_columns: 3, charts_columns: 2 }, { stats_columns: 3, charts_columns: 2 })).toBe(true);
    expect(sameLayout(DEFAULT_DASHBOARD_LAYOUT, { stats_columns: 6, charts_columns: 3 })).toBe(false);
  });
});
