import { PERMISSION_FLAGS, type PermissionFlag, type Permissions } from "../api/types";

export const NO_PERMISSIONS: Permissions = Object.fromEntries(PERMISSION_FLAGS.map((flag) => [flag, false])) as Permissions;

/** Normalises the server's flat object: unknown keys dropped, missing or non-true flags false. */
export function toPermissions(raw: unknown): Permissions {
  const source = (raw && typeof raw === "object" ? raw : {}) as Record<string, unknown>;
  return Object.fromEntries(PERMISSION_FLAGS.map((flag) => [flag, source[flag] === true])) as Permissions;
}

/** A requirement is one flag, or a list of flags of which any one suffices. */
export type PermissionRequirement = PermissionFlag | PermissionFlag[] | undefined;

export function allows(permissions: Permissions, requirement: PermissionRequirement): boolean {
  if (!requirement) return true;
  const flags = Array.isArray(requirement) ? requirement : [requirement];
  return flags.some((flag) => permissions[flag]);
}

/** "can_manage_superusers" → "Manage superusers". */
export function permissionLabel(flag: string): string {
  const words = flag.replace(/^can_/, "").split("_").join(" ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}
