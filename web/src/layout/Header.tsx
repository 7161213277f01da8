import { useEffect, useRef, useState } from "react";
import { Link, useNavigate } from "react-router-dom";
import { useAuth } from "../auth/AuthProvider";
import { Icon } from "../components/Icon";
import { displayName } from "../lib/format";
import { useTheme } from "../theme/ThemeProvider";

function UserMenu() {
  const { user, logout } = useAuth();
  const navigate = useNavigate();
  const [open, setOpen] = useState(false);
  const menuRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    const onDown = (event: MouseEvent) => {
      if (!menuRef.current?.contains(event.target as Node)) setOpen(false);
    };
    const onKey = (event: KeyboardEvent) => event.key === "Escape" && setOpen(false);
    document.addEventListener("mousedown", onDown);
    document.addEventListener("keydown", onKey);
    return () => {
      document.removeEventListener("mousedown", onDown);
      document.removeEventListener("keydown", onKey);
    };
  }, [open]);

  if (!user) return null;
  const signOut = async () => {
    setOpen(false);
    await logout();
    navigate("/login", { replace: true });
  };
  return (
    <div className="user-menu" ref={menuRef}>
      <button type="button" className="user-menu-button" aria-haspopup="menu" aria-expanded={open} onClick={() => setOpen((v) => !v)}>
        <span className="avatar" aria-hidden="true">
          {displayName(user).slice(0, 1).toUpperCase()}
        </span>
        <span className="user-menu-name">{displayName(user)}</span>
      </button>
      {open && (
        <div className="menu" role="menu">
          <div className="menu-caption">
            <div>{user.username}</div>
            <div className="muted">{user.role}</div>
          </div>
          <Link role="menuitem" to="/profile" className="menu-item" onClick={() => setOpen(false)}>
            <Icon name="user" /> Profile
          </Link>
          <a role="menuitem" href="/swagger-ui/" target="_blank" rel="noreferrer" className="menu-item" onClick={() => setOpen(false)}>
            <Icon name="book" /> API docs
          </a>
          <button role="menuitem" type="button" className="menu-item" onClick={signOut}>
            <Icon name="logout" /> Log out
          </button>
        </div>
      )}
    </div>
  );
}

export function Header({ onToggleSidebar }: { onToggleSidebar: () => void }) {
  const { theme, toggleTheme } = useTheme();
  return (
    <header className="topbar">
      <button type="button" className="icon-btn sidebar-toggle" aria-label="Toggle navigation" onClick={onToggleSidebar}>
        <Icon name="menu" />
      </button>
      <div className="topbar-spacer" />
      <button
        type="button"
        className="icon-btn"
        aria-label={theme === "dark" ? "Switch to light theme" : "Switch to dark theme"}
        title={theme === "dark" ? "Light theme" : "Dark theme"}
        onClick={toggleTheme}
      >
        <Icon name={theme === "dark" ? "sun" : "moon"} />
      </button>
      <UserMenu />
    </header>
  );
}
