import { useQuery } from "@tanstack/react-query";
import { api } from "../../api";
import type { RoleObject } from "../../api/types";

export const BUILT_IN_ROLES = ["superadmin", "admin", "host_manager", "user", "readonly"];
/** Built-ins whose permissions the server refuses to change. */
export const READ_ONLY_ROLES = new Set(["superadmin", "admin", "user"]);

export function useRoles(enabled: boolean) {
  return useQuery({ queryKey: ["roles"], queryFn: () => api.get<RoleObject[]>("/permissions/roles"), enabled });
}

export function roleNames(roles: RoleObject[] | undefined): string[] {
  return roles?.length ? roles.map((role) => role.role) : BUILT_IN_ROLES;
}
