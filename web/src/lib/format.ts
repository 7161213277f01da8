const RELATIVE_UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["year", 365 * 24 * 3600],
  ["month", 30 * 24 * 3600],
  ["day", 24 * 3600],
  ["hour", 3600],
  ["minute", 60],
];

const relativeFormat = new Intl.RelativeTimeFormat(undefined, { numeric: "auto" });

/** "5 minutes ago"; "Never" for an empty or unparsable timestamp. */
export function formatRelative(timestamp: string | null | undefined, now: number = Date.now()): string {
  if (!timestamp) return "Never";
  const time = Date.parse(timestamp);
  if (Number.isNaN(time)) return "Never";
  const seconds = Math.round((time - now) / 1000);
  for (const [unit, size] of RELATIVE_UNITS) {
    if (Math.abs(seconds) >= size) return relativeFormat.format(Math.round(seconds / size), unit);
  }
  return "just now";
}

export function formatDateTime(timestamp: string | null | undefined): string {
  if (!timestamp) return "—";
  const time = Date.parse(timestamp);
  return Number.isNaN(time) ? "—" : new Date(time).toLocaleString();
}

export function formatValue(value: unknown): string {
  if (value === null || value === undefined || value === "") return "—";
  if (typeof value === "boolean") return value ? "Yes" : "No";
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

/** "Ubuntu 24.04", or null while the agent has not reported (the server says "unknown"). */
export function formatOs(osType: string | null | undefined, osVersion: string | null | undefined): string | null {
  const known = (value: string | null | undefined) => (value && value !== "unknown" ? value : "");
  return [known(osType), known(osVersion)].filter(Boolean).join(" ") || null;
}

export function displayName(user: { username: string; first_name?: string; last_name?: string }): string {
  const full = [user.first_name, user.last_name].filter(Boolean).join(" ");
  return full || user.username;
}
