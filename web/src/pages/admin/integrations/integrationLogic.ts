import type { CreateTokenBody, CredentialType, IntegrationToken, Scopes } from "../../../api/integrations";

/** Presentation and request-building helpers for the Integrations page. */

export const TYPE_LABELS: Record<CredentialType, string> = {
  api: "API",
  gethomepage: "GetHomepage",
  "proxmox-lxc": "Proxmox LXC enrollment",
  "direct-host": "Direct host enrollment",
  prometheus: "Prometheus",
};

export const TYPE_HELP: Record<CredentialType, string> = {
  api: "Scripts and Ansible call /api/v1/api/* with HTTP Basic (key as user name, secret as password), limited to the scopes ticked below.",
  gethomepage: "Read-only fleet summary for a gethomepage dashboard widget.",
  "proxmox-lxc": "A Proxmox VE node enrolls its LXC containers as hosts with this token.",
  "direct-host": "A machine enrolls itself as a host with this token.",
  prometheus: "A Prometheus server scrapes fleet, host, ingest and plugin metrics from /api/v1/metrics.",
};

/** Types that create hosts, and so take a default group and a daily quota. */
export function enrolls(type: CredentialType): boolean {
  return type === "proxmox-lxc" || type === "direct-host";
}

/** The type a listed credential was created as (the server's default is proxmox-lxc). */
export function typeOf(token: IntegrationToken): string {
  return token.metadata?.integration_type ?? "proxmox-lxc";
}

export function typeLabel(type: string): string {
  return TYPE_LABELS[type as CredentialType] ?? type;
}

/** Addresses or CIDR blocks separated by commas, spaces or new lines. */
export function parseIpList(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((item) => item.trim())
    .filter(Boolean);
}

/** "Expired" wins over the active flag: an expired credential is refused either way. */
export function tokenState(token: IntegrationToken, now: number = Date.now()): "active" | "inactive" | "expired" {
  if (token.expires_at && Date.parse(token.expires_at) < now) return "expired";
  return token.is_active ? "active" : "inactive";
}

export function scopeSummary(scopes: Scopes | null): string {
  if (!scopes) return "";
  return Object.entries(scopes)
    .flatMap(([resource, actions]) => actions.map((action) => `${resource}:${action}`))
    .join(", ");
}

export interface CredentialDraft {
  name: string;
  type: CredentialType;
  scopes: Scopes;
  ips: string;
  /** `YYYY-MM-DD` from a date input, or "". */
  expires: string;
  groupId: string;
  maxHosts: string;
}

export const EMPTY_DRAFT: CredentialDraft = {
  name: "",
  type: "api",
  scopes: { host: ["get"] },
  ips: "",
  expires: "",
  groupId: "",
  maxHosts: "100",
};

/** The POST body for a draft; fields that do not apply to its type are left out. */
export function buildCreateBody(draft: CredentialDraft): CreateTokenBody {
  const body: CreateTokenBody = {
    token_name: draft.name.trim(),
    metadata: { integration_type: draft.type },
    allowed_ip_ranges: parseIpList(draft.ips),
  };
  // A date means "valid through that day" (UTC).
  if (draft.expires) body.expires_at = `${draft.expires}T23:59:59Z`;
  if (draft.type === "api") {
    body.scopes = Object.fromEntries(Object.entries(draft.scopes).filter(([, actions]) => actions.length > 0));
  }
  if (enrolls(draft.type)) {
    if (draft.groupId) body.default_host_group_id = draft.groupId;
    const max = Number(draft.maxHosts);
    if (draft.maxHosts.trim() !== "" && !Number.isNaN(max)) body.max_hosts_per_day = max;
  }
  return body;
}

function base64(text: string): string {
  return btoa(String.fromCharCode(...new TextEncoder().encode(text)));
}

export function basicAuthHeader(key: string, secret: string): string {
  return `Basic ${base64(`${key}:${secret}`)}`;
}

/** A services.yaml entry for gethomepage's customapi widget. */
export function homepageYaml(server: string, key: string, secret: string): string {
  return [
    "- PatchMon:",
    `    href: ${server}`,
    "    description: Patch management",
    "    widget:",
    "      type: customapi",
    `      url: ${server}/api/v1/gethomepage/stats`,
    "      headers:",
    `        Authorization: ${basicAuthHeader(key, secret)}`,
    "      mappings:",
    "        - field: total_hosts",
    "          label: Hosts",
    "        - field: hosts_needing_updates",
    "          label: Need updates",
    "        - field: security_updates",
    "          label: Security updates",
  ].join("\n");
}

/** A prometheus.yml scrape job for `/api/v1/metrics` at `server` (an origin such as https://pm.lan). */
export function prometheusScrapeConfig(server: string, key: string, secret: string): string {
  const url = new URL(server);
  return [
    "scrape_configs:",
    "  - job_name: patchmon",
    `    scheme: ${url.protocol.replace(":", "")}`,
    "    metrics_path: /api/v1/metrics",
    "    basic_auth:",
    `      username: ${key}`,
    `      password: ${secret}`,
    "    static_configs:",
    `      - targets: ["${url.host}"]`,
  ].join("\n");
}

/** The one-liner that downloads the enrollment script with the credential filled in. */
export function enrollmentCommand(server: string, type: "proxmox-lxc" | "direct-host", key: string, secret: string): string {
  const query = new URLSearchParams({ type, token_key: key, token_secret: secret });
  const shell = type === "proxmox-lxc" ? "bash" : "sh";
  return `curl -s "${server}/api/v1/auto-enrollment/script?${query.toString()}" | ${shell}`;
}
