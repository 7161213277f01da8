import { useQuery } from "@tanstack/react-query";
import { api } from "../../../api";
import { useEndpoint } from "../../../api/capabilities";
import type { Host, HostDetail } from "../../../api/types";

export const HISTORY_PAGE_SIZE = 10;

export function useHost(hostId: string) {
  return useQuery({ queryKey: ["hosts", "one", hostId], queryFn: () => api.get<Host>(`/hosts/${hostId}`) });
}

/** The richer dashboard view; optional (tabs fall back to an empty state without it). */
export function useHostDetail(hostId: string, historyOffset = 0) {
  const available = useEndpoint("GET", "/dashboard/hosts/{id}") === "available";
  return useQuery({
    enabled: available,
    queryKey: ["hosts", "detail", hostId, historyOffset],
    queryFn: () =>
      api.get<HostDetail & { pagination?: { total: number; limit: number; offset: number; hasMore: boolean } }>(`/dashboard/hosts/${hostId}`, {
        query: { limit: HISTORY_PAGE_SIZE, offset: historyOffset },
      }),
    placeholderData: (previous) => previous,
  });
}
