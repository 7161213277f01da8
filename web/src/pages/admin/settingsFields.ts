import type { EnvironmentVariable } from "../../api/types";

export interface SettingsField {
  key: string;
  label: string;
  type: "text" | "number" | "boolean" | "select";
  options?: string[];
  help?: string;
}

export interface SettingsSection {
  title: string;
  fields: SettingsField[];
}

/** The editable keys of `GET/PUT /settings`, grouped as the page shows them. */
export const SETTINGS_SECTIONS: SettingsSection[] = [
  {
    title: "Server",
    fields: [
      { key: "server_protocol", label: "Protocol", type: "select", options: ["http", "https"] },
      { key: "server_host", label: "Host name", type: "text" },
      { key: "server_port", label: "Port", type: "number" },
      { key: "server_url", label: "Server URL", type: "text", help: "Base URL agents use to reach this server; used in install commands. Changing protocol, host or port rebuilds it." },
    ],
  },
  {
    title: "Agents",
    fields: [
      { key: "update_interval", label: "Report interval (minutes)", type: "number" },
      { key: "auto_update", label: "Allow automatic agent updates", type: "boolean" },
      { key: "ignore_ssl_self_signed", label: "Accept self-signed TLS certificates in install scripts", type: "boolean" },
      { key: "package_cache_refresh_mode", label: "Package cache refresh", type: "select", options: ["always", "if_stale", "never"] },
      { key: "package_cache_refresh_max_age", label: "Package cache max age (minutes, 1–1440)", type: "number" },
    ],
  },
  {
    title: "Compliance",
    fields: [
      { key: "default_compliance_mode", label: "Default compliance mode for new hosts", type: "select", options: ["disabled", "on-demand", "enabled"] },
      { key: "compliance_scan_interval", label: "Scan interval (minutes, 60–10080)", type: "number" },
    ],
  },
  {
    title: "Users and sign-in",
    fields: [
      { key: "signup_enabled", label: "Allow self sign-up", type: "boolean" },
      { key: "default_user_role", label: "Role for new users", type: "text" },
      { key: "show_github_version_on_login", label: "Show version on the login page", type: "boolean" },
    ],
  },
  {
    title: "Alerts",
    fields: [{ key: "alerts_enabled", label: "Alerts enabled", type: "boolean" }],
  },
];

export function isEnvSourced(variable: EnvironmentVariable | undefined): boolean {
  return variable !== undefined && variable.effectiveSource.toLowerCase().startsWith("env");
}

/** Environment variables behind settings keys that are not named like the key. */
const ENV_NAMES: Record<string, string> = {
  server_url: "SERVER_PROTOCOL, SERVER_HOST or SERVER_PORT",
};

/**
 * The environment variable(s) that set a settings key, when the environment sets it: either
 * `GET /settings` says so in `sources`, or `GET /settings/environment` lists the upper-cased key
 * (`update_interval` → `UPDATE_INTERVAL`) with an env source. Undefined when the key is editable.
 */
export function envSourceOf(key: string, sources: unknown, variables: EnvironmentVariable[]): string | undefined {
  const fromSettings = sources && typeof sources === "object" && (sources as Record<string, unknown>)[key] === "env";
  const variable = variables.find((candidate) => candidate.key === key.toUpperCase());
  if (fromSettings || isEnvSourced(variable)) return ENV_NAMES[key] ?? key.toUpperCase();
  return undefined;
}

/** Only the keys whose value differs from what the server sent. */
export function changedSettings(original: Record<string, unknown>, draft: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(draft).filter(([key, value]) => key !== "sources" && original[key] !== value));
}
