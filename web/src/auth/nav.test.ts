import { describe, expect, it } from "vitest";
import { homePath, NAV_ITEMS, visibleNavItems } from "./nav";
import { allows, NO_PERMISSIONS, toPermissions } from "./permissions";

const labels = (items: { label: string }[]) => items.map((item) => item.label);

describe("navigation gating", () => {
  it("shows nothing to a role without permissions", () => {
    expect(visibleNavItems(NO_PERMISSIONS)).toEqual([]);
    expect(homePath(NO_PERMISSIONS)).toBe("/profile");
  });

  it("shows every page to a role with every permission", () => {
    const all = toPermissions(Object.fromEntries(Object.keys(NO_PERMISSIONS).map((flag) => [flag, true])));
    expect(visibleNavItems(all)).toHaveLength(NAV_ITEMS.length);
  });

  it("matches the seeded readonly role: dashboard, hosts, packages and repositories, no administration", () => {
    const readonly = toPermissions({ can_view_dashboard: true, can_view_hosts: true, can_view_packages: true, can_view_reports: true });
    expect(labels(visibleNavItems(readonly))).toEqual(["Dashboard", "Hosts", "Host groups", "Packages", "Repositories"]);
    expect(homePath(readonly)).toBe("/");
  });

  it("shows Users but not Roles to a role that may only view users", () => {
    const viewer = toPermissions({ can_view_users: true });
    expect(labels(visibleNavItems(viewer))).toEqual(["Users"]);
    expect(homePath(viewer)).toBe("/admin/users");
  });

  it("gates settings, plugins, integrations and the audit log on can_manage_settings", () => {
    const settings = toPermissions({ can_manage_settings: true });
    expect(labels(visibleNavItems(settings))).toEqual(["Settings", "Plugins", "Integrations", "Audit log"]);
  });

  it("shows packages only with can_view_packages", () => {
    expect(labels(visibleNavItems(toPermissions({ can_view_packages: true })))).toEqual(["Packages"]);
    expect(homePath(toPermissions({ can_view_packages: true }))).toBe("/packages");
  });

  it("ignores unknown keys and non-boolean values from the server", () => {
    const permissions = toPermissions({ can_view_hosts: "true", can_view_dashboard: true, bogus: true });
    expect(permissions.can_view_hosts).toBe(false);
    expect(permissions.can_view_dashboard).toBe(true);
    expect("bogus" in permissions).toBe(false);
  });

  it("accepts any one of several flags", () => {
    const permissions = toPermissions({ can_manage_hosts: true });
    expect(allows(permissions, ["can_view_hosts", "can_manage_hosts"])).toBe(true);
    expect(allows(permissions, "can_view_users")).toBe(false);
    expect(allows(permissions, undefined)).toBe(true);
  });
});
