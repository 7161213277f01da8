/** How many stat cards and charts share a row (`/dashboard-preferences/layout`). */
export interface DashboardLayout {
  stats_columns: number;
  charts_columns: number;
}

export interface ColumnRange {
  min: number;
  max: number;
}

/** The ranges the server accepts; it stores the default for anything outside them. */
export const STATS_COLUMN_RANGE: ColumnRange = { min: 2, max: 6 };
export const CHARTS_COLUMN_RANGE: ColumnRange = { min: 2, max: 4 };

/** The server's answer when the user never saved a layout. */
export const DEFAULT_DASHBOARD_LAYOUT: DashboardLayout = { stats_columns: 6, charts_columns: 4 };

/** A whole number of columns within `range`; anything that is not a finite number gets `fallback`. */
export function clampColumns(value: unknown, range: ColumnRange, fallback: number): number {
  if (typeof value !== "number" || !Number.isFinite(value)) return fallback;
  return Math.min(range.max, Math.max(range.min, Math.round(value)));
}

/** The layout from whatever the server (or an older server's missing route) answered. */
export function parseDashboardLayout(raw: unknown): DashboardLayout {
  const fields = typeof raw === "object" && raw !== null ? (raw as Record<string, unknown>) : {};
  return {
    stats_columns: clampColumns(fields.stats_columns, STATS_COLUMN_RANGE, DEFAULT_DASHBOARD_LAYOUT.stats_columns),
    charts_columns: clampColumns(fields.charts_columns, CHARTS_COLUMN_RANGE, DEFAULT_DASHBOARD_LAYOUT.charts_columns),
  };
}

export function columnChoices(range: ColumnRange): number[] {
  return Array.from({ length: range.max - range.min + 1 }, (_, offset) => range.min + offset);
}

export function sameLayout(a: DashboardLayout, b: DashboardLayout): boolean {
  return a.stats_columns === b.stats_columns && a.charts_columns === b.charts_columns;
}
