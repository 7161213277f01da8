import { Suspense, useEffect, useState } from "react";
import { Link, NavLink, Outlet, useLocation } from "react-router-dom";
import { useAuth } from "../auth/AuthProvider";
import { visibleNavItems, type NavItem } from "../auth/nav";
import { Icon } from "../components/Icon";
import { Loading } from "../components/States";
import { Header } from "./Header";
import { useActivityHeartbeat } from "./useActivityHeartbeat";

function NavSection({ title, items, onNavigate }: { title?: string; items: NavItem[]; onNavigate: () => void }) {
  if (items.length === 0) return null;
  return (
    <div className="nav-section">
      {title && <div className="nav-section-title">{title}</div>}
      {items.map((item) => (
        <NavLink key={item.to} to={item.to} end={item.to === "/"} className="nav-link" onClick={onNavigate}>
          <Icon name={item.icon} />
          <span>{item.label}</span>
        </NavLink>
      ))}
    </div>
  );
}

export function Layout() {
  const { permissions } = useAuth();
  const [sidebarOpen, setSidebarOpen] = useState(false);
  const location = useLocation();
  useActivityHeartbeat(true);

  useEffect(() => setSidebarOpen(false), [location.pathname]);

  const items = visibleNavItems(permissions);
  const close = () => setSidebarOpen(false);
  return (
    <div className={`app-shell${sidebarOpen ? " sidebar-open" : ""}`}>
      <aside className="sidebar" aria-label="Main navigation">
        <Link to="/" className="brand" onClick={close}>
          <img src="/favicon.svg" alt="" width={28} height={28} />
          <span>PatchMon</span>
        </Link>
        {permissions.can_manage_hosts && (
          <Link to="/hosts?add=1" className="btn btn-primary sidebar-add" onClick={close}>
            <Icon name="plus" /> Add host
          </Link>
        )}
        <nav>
          <NavSection items={items.filter((item) => item.section === "main")} onNavigate={close} />
          <NavSection title="Administration" items={items.filter((item) => item.section === "admin")} onNavigate={close} />
        </nav>
      </aside>
      {sidebarOpen && <div className="sidebar-scrim" onClick={close} aria-hidden="true" />}
      <div className="main-column">
        <Header onToggleSidebar={() => setSidebarOpen((open) => !open)} />
        <main className="content" id="main">
          <Suspense fallback={<Loading />}>
            <Outlet />
          </Suspense>
        </main>
      </div>
    </div>
  );
}
