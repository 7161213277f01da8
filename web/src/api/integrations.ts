import { useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from ".";

/** Wire types and calls of `/auto-enrollment/tokens`: integration credentials of every type. */

export const CREDENTIAL_TYPES = ["api", "gethomepage", "proxmox-lxc", "direct-host", "prometheus"] as const;
export type CredentialType = (typeof CREDENTIAL_TYPES)[number];

/** Resource → actions an `api` credential may be granted (the server's SCOPE_ACTIONS). */
export const SCOPE_ACTIONS: Record<string, readonly string[]> = {
  host: ["get", "put", "patch", "update", "delete"],
};

export type Scopes = Record<string, string[]>;

interface GroupRef {
  id: string;
  name: string;
  color: string | null;
}

interface UserRef {
  id: string;
  username: string;
  first_name: string | null;
  last_name: string | null;
}

/** One credential as listed (the secret is never returned again). */
export interface IntegrationToken {
  id: string;
  token_name: string;
  token_key: string;
  is_active: boolean;
  allowed_ip_ranges: string[];
  max_hosts_per_day: number;
  hosts_created_today: number;
  last_used_at: string | null;
  expires_at: string | null;
  created_at: string;
  default_host_group_id: string | null;
  metadata: { integration_type?: string } & Record<string, unknown>;
  scopes: Scopes | null;
  host_groups: GroupRef | null;
  users: UserRef | null;
}

export interface CreateTokenBody {
  token_name: string;
  metadata: { integration_type: CredentialType };
  scopes?: Scopes;
  allowed_ip_ranges: string[];
  expires_at?: string;
  default_host_group_id?: string;
  max_hosts_per_day?: number;
}

/** `POST /auto-enrollment/tokens`: the only answer that carries `token_secret`. */
export interface CreatedToken {
  message: string;
  token: {
    id: string;
    token_name: string;
    token_key: string;
    token_secret: string;
    max_hosts_per_day: number;
    default_host_group: GroupRef | null;
    created_by: UserRef | null;
    expires_at: string | null;
    scopes: Scopes | null;
  };
  warning: string;
}

export const INTEGRATION_TOKENS_KEY = ["integration-tokens"] as const;

const path = (id?: string) => (id ? `/auto-enrollment/tokens/${encodeURIComponent(id)}` : "/auto-enrollment/tokens");

export function useIntegrationTokens(enabled = true) {
  return useQuery({
    queryKey: INTEGRATION_TOKENS_KEY,
    queryFn: () => api.get<IntegrationToken[]>(path()),
    enabled,
  });
}

/** Replaces a credential the server just returned in the cached list. */
/**
 * Writes a credential the server just returned into the cached list, then refetches the list.
 * A list fetch answered before this change (say, the refresh after creating a credential) can
 * still land after it; the refetch replaces any such fetch and ends on the server's state.
 */
export function useStoreToken() {
  const queryClient = useQueryClient();
  return async (token: IntegrationToken) => {
    await queryClient.cancelQueries({ queryKey: INTEGRATION_TOKENS_KEY });
    queryClient.setQueryData<IntegrationToken[]>(INTEGRATION_TOKENS_KEY, (list) => list?.map((t) => (t.id === token.id ? token : t)));
    await queryClient.invalidateQueries({ queryKey: INTEGRATION_TOKENS_KEY });
  };
}

export const integrationApi = {
  create: (body: CreateTokenBody) => api.post<CreatedToken>(path(), body),
  setActive: (id: string, isActive: boolean) => api.patch<{ message: string; token: IntegrationToken }>(path(id), { is_active: isActive }),
  remove: (id: string) => api.delete<void>(path(id)),
};
