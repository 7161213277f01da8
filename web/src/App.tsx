import { lazy, Suspense, useEffect, type ReactNode } from "react";
import { Navigate, Route, Routes, useLocation } from "react-router-dom";
import { useAuth } from "./auth/AuthProvider";
import { homePath } from "./auth/nav";
import { allows, type PermissionRequirement } from "./auth/permissions";
import { ErrorState, Loading } from "./components/States";
import { Layout } from "./layout/Layout";
import { lazyPage, type LazyPage } from "./lib/lazyPage";

const LoginPage = lazy(() => import("./pages/auth/LoginPage"));
const SetupAdminPage = lazy(() => import("./pages/auth/SetupAdminPage"));
const SignupPage = lazy(() => import("./pages/auth/SignupPage"));
const DashboardPage = lazyPage(() => import("./pages/dashboard/DashboardPage"));
const HostsPage = lazyPage(() => import("./pages/hosts/HostsPage"));
const HostDetailPage = lazyPage(() => import("./pages/hosts/HostDetailPage"));
const HostGroupsPage = lazyPage(() => import("./pages/hostGroups/HostGroupsPage"));
const PackagesPage = lazyPage(() => import("./pages/packages/PackagesPage"));
const PackageDetailPage = lazyPage(() => import("./pages/packages/PackageDetailPage"));
const RepositoriesPage = lazyPage(() => import("./pages/repositories/RepositoriesPage"));
const RepositoryDetailPage = lazyPage(() => import("./pages/repositories/RepositoryDetailPage"));
const PluginsPage = lazyPage(() => import("./pages/admin/plugins/PluginsPage"));
const IntegrationsPage = lazyPage(() => import("./pages/admin/integrations/IntegrationsPage"));
const UsersPage = lazyPage(() => import("./pages/admin/UsersPage"));
const RolesPage = lazyPage(() => import("./pages/admin/RolesPage"));
const SettingsPage = lazyPage(() => import("./pages/admin/SettingsPage"));
const AuditLogPage = lazyPage(() => import("./pages/admin/AuditLogPage"));
const ProfilePage = lazyPage(() => import("./pages/profile/ProfilePage"));

const SIGNED_IN_PAGES: LazyPage[] = [
  DashboardPage,
  HostsPage,
  HostDetailPage,
  HostGroupsPage,
  PackagesPage,
  PackageDetailPage,
  RepositoriesPage,
  RepositoryDetailPage,
  UsersPage,
  RolesPage,
  SettingsPage,
  PluginsPage,
  IntegrationsPage,
  AuditLogPage,
  ProfilePage,
];

/** The page an address opens (the app's routes below), so its code can load during the session check. */
function pageForPath(pathname: string): LazyPage | undefined {
  const path = pathname.replace(/\/+$/, "") || "/";
  if (path === "/") return DashboardPage;
  if (path === "/hosts") return HostsPage;
  if (path.startsWith("/hosts/")) return HostDetailPage;
  if (path.startsWith("/packages/")) return PackageDetailPage;
  if (path.startsWith("/repositories/")) return RepositoryDetailPage;
  const pages: Record<string, LazyPage> = {
    "/host-groups": HostGroupsPage,
    "/packages": PackagesPage,
    "/repositories": RepositoriesPage,
    "/admin/plugins": PluginsPage,
    "/admin/integrations": IntegrationsPage,
    "/admin/users": UsersPage,
    "/admin/roles": RolesPage,
    "/admin/settings": SettingsPage,
    "/admin/audit-log": AuditLogPage,
    "/profile": ProfilePage,
  };
  return pages[path];
}

void pageForPath(window.location.pathname)?.preload().catch(() => undefined);

/** Once signed in, fetch the other pages' code too, so moving between pages does not wait for it. */
function usePreloadSignedInPages(authenticated: boolean) {
  useEffect(() => {
    if (authenticated) SIGNED_IN_PAGES.forEach((page) => void page.preload().catch(() => undefined));
  }, [authenticated]);
}

function FullPage({ children }: { children: ReactNode }) {
  return <div className="full-page">{children}</div>;
}

function RequireSession({ children }: { children: ReactNode }) {
  const { status, error, reload } = useAuth();
  const location = useLocation();
  if (status === "loading") return <FullPage><Loading /></FullPage>;
  if (status === "unreachable") return <FullPage><ErrorState error={error ?? "The server is not reachable"} onRetry={reload} /></FullPage>;
  if (status === "setup") return <Navigate to="/setup" replace />;
  if (status === "anonymous") {
    const next = location.pathname + location.search;
    return <Navigate to={`/login${next !== "/" ? `?next=${encodeURIComponent(next)}` : ""}`} replace />;
  }
  return <>{children}</>;
}

function RequirePermission({ requires, children }: { requires: PermissionRequirement; children: ReactNode }) {
  const { permissions } = useAuth();
  if (!allows(permissions, requires)) {
    return (
      <div className="page">
        <h1>Access denied</h1>
        <p className="muted">Your role does not allow you to open this page.</p>
      </div>
    );
  }
  return <>{children}</>;
}

function HomeRedirect() {
  const { permissions } = useAuth();
  const home = homePath(permissions);
  return home === "/" ? <DashboardPage /> : <Navigate to={home} replace />;
}

/** Public pages: an authenticated visitor is sent on to where they wanted to go. */
function PublicOnly({ children }: { children: ReactNode }) {
  const { status, permissions } = useAuth();
  const location = useLocation();
  if (status === "loading") return <FullPage><Loading /></FullPage>;
  if (status === "authenticated") {
    const next = new URLSearchParams(location.search).get("next");
    return <Navigate to={next && next.startsWith("/") && !next.startsWith("//") ? next : homePath(permissions)} replace />;
  }
  return <>{children}</>;
}

export function App() {
  usePreloadSignedInPages(useAuth().status === "authenticated");
  return (
    <Suspense fallback={<FullPage><Loading /></FullPage>}>
      <Routes>
        <Route path="/login" element={<PublicOnly><LoginPage /></PublicOnly>} />
        <Route path="/setup" element={<PublicOnly><SetupAdminPage /></PublicOnly>} />
        <Route path="/signup" element={<PublicOnly><SignupPage /></PublicOnly>} />
        <Route element={<RequireSession><Layout /></RequireSession>}>
          <Route index element={<HomeRedirect />} />
          <Route path="hosts" element={<RequirePermission requires="can_view_hosts"><HostsPage /></RequirePermission>} />
          <Route path="hosts/:hostId" element={<RequirePermission requires="can_view_hosts"><HostDetailPage /></RequirePermission>} />
          <Route path="host-groups" element={<RequirePermission requires="can_view_hosts"><HostGroupsPage /></RequirePermission>} />
          <Route path="packages" element={<RequirePermission requires="can_view_packages"><PackagesPage /></RequirePermission>} />
          <Route path="packages/:packageId" element={<RequirePermission requires="can_view_packages"><PackageDetailPage /></RequirePermission>} />
          <Route path="repositories" element={<RequirePermission requires="can_view_hosts"><RepositoriesPage /></RequirePermission>} />
          <Route path="repositories/:repositoryId" element={<RequirePermission requires="can_view_hosts"><RepositoryDetailPage /></RequirePermission>} />
          <Route path="admin/users" element={<RequirePermission requires="can_view_users"><UsersPage /></RequirePermission>} />
          <Route path="admin/roles" element={<RequirePermission requires="can_manage_users"><RolesPage /></RequirePermission>} />
          <Route path="admin/settings" element={<RequirePermission requires="can_manage_settings"><SettingsPage /></RequirePermission>} />
          <Route path="admin/plugins" element={<RequirePermission requires="can_manage_settings"><PluginsPage /></RequirePermission>} />
          <Route path="admin/integrations" element={<RequirePermission requires="can_manage_settings"><IntegrationsPage /></RequirePermission>} />
          <Route path="admin/audit-log" element={<RequirePermission requires="can_manage_settings"><AuditLogPage /></RequirePermission>} />
          <Route path="profile" element={<ProfilePage />} />
          <Route path="*" element={<div className="page"><h1>Page not found</h1><p className="muted">There is nothing at this address.</p></div>} />
        </Route>
      </Routes>
    </Suspense>
  );
}
