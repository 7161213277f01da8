import { useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from ".";

/** Wire types and calls of `/plugins` (the WASM plugin admin API). */

export const CAPABILITY_NAMES = ["exec", "fs_read", "http", "mail", "kv", "fleet_read", "enroll"] as const;
export type CapabilityName = (typeof CAPABILITY_NAMES)[number];

export type PluginKind = "collector" | "notifier" | "integration" | "scanner";
export type PluginStatus = "enabled" | "disabled" | "auto_disabled";

export interface RequestedCapabilities {
  exec: { program: string; args: string[] }[];
  fs_read: string[];
  http: { hosts: string[]; from_config: string[] };
  mail: boolean;
  kv: boolean;
  fleet_read: boolean;
  enroll: boolean;
}

export interface PluginView {
  id: string;
  name: string;
  version: string;
  kind: PluginKind;
  api_version: string;
  description: string;
  author: string;
  license: string;
  wasm_sha256: string;
  builtin: boolean;
  enabled: boolean;
  status: PluginStatus;
  status_reason: string | null;
  requested: RequestedCapabilities;
  requested_capabilities: string[];
  granted_capabilities: string[];
  config_schema: Record<string, unknown>;
  config: Record<string, unknown>;
  secrets_set: string[];
  limits: { memory_mib: number; timeout_ms: number; fuel: number | null };
  metrics: { calls: number; failures: number; timeouts: number; denials: number };
  installed_at: string;
  updated_at: string;
}

export interface PluginTestResult {
  ok: boolean;
  message: string;
}

/** A 400 from `PUT /plugins/{id}/config`: `details` point at the offending fields. */
export interface ConfigErrorBody {
  error: string;
  details?: { path: string; message: string }[];
}

export const PLUGINS_KEY = ["plugins"] as const;

export function usePlugins(enabled = true) {
  return useQuery({
    queryKey: PLUGINS_KEY,
    queryFn: async () => (await api.get<{ plugins: PluginView[] }>("/plugins")).plugins,
    enabled,
  });
}

/** Puts a plugin the server just returned into the cached list (new ones are appended). */
/** Writes a plugin the server just returned into the cached list, after cancelling a list fetch
 * still in flight (its older answer would overwrite this one). */
export function useStorePlugin() {
  const queryClient = useQueryClient();
  return async (plugin: PluginView) => {
    await queryClient.cancelQueries({ queryKey: PLUGINS_KEY });
    queryClient.setQueryData<PluginView[]>(PLUGINS_KEY, (list) => {
      if (!list) return [plugin];
      return list.some((p) => p.id === plugin.id) ? list.map((p) => (p.id === plugin.id ? plugin : p)) : [...list, plugin];
    });
  };
}

const path = (id: string, action = "") => `/plugins/${encodeURIComponent(id)}${action}`;

export const pluginApi = {
  install: (file: Blob) => api.upload<PluginView>("/plugins", file),
  setGrants: (id: string, capabilities: string[]) => api.put<PluginView>(path(id, "/grants"), { capabilities }),
  enable: (id: string) => api.post<PluginView>(path(id, "/enable")),
  disable: (id: string) => api.post<PluginView>(path(id, "/disable")),
  setConfig: (id: string, config: Record<string, unknown>) => api.put<PluginView>(path(id, "/config"), { config }),
  test: (id: string) => api.post<PluginTestResult>(path(id, "/test")),
  remove: (id: string) => api.delete<void>(path(id)),
};
