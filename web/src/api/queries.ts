import { useQuery } from "@tanstack/react-query";
import { api } from ".";
import type { HostGroup, UserPreferences } from "./types";

/** Query hooks shared by several pages. */

export function useHostGroups(enabled = true) {
  return useQuery({
    queryKey: ["host-groups"],
    queryFn: () => api.get<HostGroup[]>("/host-groups"),
    enabled,
  });
}

export const USER_PREFERENCES_KEY = ["user", "preferences"];

/** The signed-in user's UI preferences (`GET /user/preferences`). */
export function useUserPreferences() {
  return useQuery({
    queryKey: USER_PREFERENCES_KEY,
    queryFn: () => api.get<UserPreferences>("/user/preferences"),
    staleTime: 5 * 60_000,
  });
}

export function useServerUrl() {
  return useQuery({
    queryKey: ["server-url"],
    queryFn: async () => (await api.get<{ server_url: string }>("/settings/server-url")).server_url,
    staleTime: 5 * 60_000,
  });
}

/** The agent install one-liner shown after creating a host or regenerating its credentials. */
export function installCommand(serverUrl: string, apiId: string, apiKey: string): string {
  const base = serverUrl.replace(/\/+$/, "");
  return `curl -s ${base}/api/v1/hosts/install -H "X-API-ID: ${apiId}" -H "X-API-KEY: ${apiKey}" | sh`;
}
