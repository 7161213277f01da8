import { useQueryClient } from "@tanstack/react-query";
import { useCallback, useMemo } from "react";
import { api } from "../../api";
import { USER_PREFERENCES_KEY, useUserPreferences } from "../../api/queries";
import type { UserPreferences } from "../../api/types";
import { hostColumnsPayload, mergeHostColumns, type HostColumnSetting } from "./hostColumns";

/**
 * The host list's column arrangement, kept in the user's server-side preferences so it follows
 * them to any browser. Until the preferences load (or if they fail to) the default columns apply.
 */
export function useHostColumns() {
  const queryClient = useQueryClient();
  const preferences = useUserPreferences();
  const settings = useMemo(() => mergeHostColumns(preferences.data?.hosts_column_config), [preferences.data]);
  const save = useCallback(
    async (next: HostColumnSetting[]) => {
      const answer = await api.patch<{ preferences: UserPreferences }>("/user/preferences", { hosts_column_config: hostColumnsPayload(next) });
      queryClient.setQueryData(USER_PREFERENCES_KEY, answer.preferences);
    },
    [queryClient],
  );
  return { settings, loading: preferences.isPending, save };
}
