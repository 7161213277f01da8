import type { Permissions } from "../api/types";
import { allows, type PermissionRequirement } from "./permissions";

export interface NavItem {
  to: string;
  label: string;
  icon: string;
  section: "main" | "admin";
  requires: PermissionRequirement;
}

/** Every page of the app with the permission its main API call needs. */
export const NAV_ITEMS: NavItem[] = [
  { to: "/", label: "Dashboard", icon: "dashboard", section: "main", requires: "can_view_dashboard" },
  { to: "/hosts", label: "Hosts", icon: "server", section: "main", requires: "can_view_hosts" },
  { to: "/host-groups", label: "Host groups", icon: "folder", section: "main", requires: "can_view_hosts" },
  { to: "/packages", label: "Packages", icon: "package", section: "main", requires: "can_view_packages" },
  { to: "/repositories", label: "Repositories", icon: "database", section: "main", requires: "can_view_hosts" },
  { to: "/admin/users", label: "Users", icon: "users", section: "admin", requires: "can_view_users" },
  { to: "/admin/roles", label: "Roles", icon: "shield", section: "admin", requires: "can_manage_users" },
  { to: "/admin/settings", label: "Settings", icon: "settings", section: "admin", requires: "can_manage_settings" },
  { to: "/admin/plugins", label: "Plugins", icon: "plug", section: "admin", requires: "can_manage_settings" },
  { to: "/admin/integrations", label: "Integrations", icon: "key", section: "admin", requires: "can_manage_settings" },
  { to: "/admin/audit-log", label: "Audit log", icon: "list", section: "admin", requires: "can_manage_settings" },
];

export function visibleNavItems(permissions: Permissions, items: NavItem[] = NAV_ITEMS): NavItem[] {
  return items.filter((item) => allows(permissions, item.requires));
}

/** Where to send a user after login: the first page they may open (profile always works). */
export function homePath(permissions: Permissions): string {
  return visibleNavItems(permissions)[0]?.to ?? "/profile";
}
