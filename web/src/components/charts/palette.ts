export const CHART_COLORS = ["#3b82f6", "#22c55e", "#f59e0b", "#ef4444", "#a855f7", "#14b8a6", "#ec4899", "#64748b"];

export function colorAt(index: number): string {
  return CHART_COLORS[index % CHART_COLORS.length] ?? "#64748b";
}
