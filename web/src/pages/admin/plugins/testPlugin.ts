import type { PluginView } from "../../../api/plugins";

/** A PluginView as the server sends it, for tests. */
export function testPlugin(overrides: Partial<PluginView> = {}): PluginView {
  return {
    id: "notifier-webhook",
    name: "Webhook",
    version: "0.1.0",
    kind: "notifier",
    api_version: "0.1.0",
    description: "POSTs each event as JSON to a URL.",
    author: "PatchMon-RS",
    license: "AGPL-3.0-or-later",
    wasm_sha256: "ab".repeat(32),
    builtin: false,
    enabled: false,
    status: "disabled",
    status_reason: null,
    requested: {
      exec: [{ program: "dpkg-query", args: ["-W", "*", "**"] }],
      fs_read: ["/etc/apt"],
      http: { hosts: ["ntfy.sh"], from_config: ["url"] },
      mail: false,
      kv: true,
      fleet_read: false,
      enroll: false,
    },
    requested_capabilities: ["exec", "fs_read", "http", "kv"],
    granted_capabilities: ["kv"],
    config_schema: {
      type: "object",
      required: ["url", "secret"],
      properties: {
        url: { type: "string", title: "Destination URL" },
        secret: { type: "string", writeOnly: true, description: "Shared secret" },
        retries: { type: "integer", minimum: 0, maximum: 5, default: 2 },
      },
    },
    config: { url: "https://hooks.example/in" },
    secrets_set: ["secret"],
    limits: { memory_mib: 32, timeout_ms: 15000, fuel: null },
    metrics: { calls: 10, failures: 1, timeouts: 0, denials: 2 },
    installed_at: "2025-01-01T00:00:00Z",
    updated_at: "2025-01-02T00:00:00Z",
    ...overrides,
  };
}
