import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import { api } from "../api";
import type { UserPreferences } from "../api/types";
import { useAuth } from "../auth/AuthProvider";

export type Theme = "light" | "dark";

const STORAGE_KEY = "patchmon_theme";

interface ThemeState {
  theme: Theme;
  toggleTheme: () => void;
}

const ThemeContext = createContext<ThemeState | null>(null);

function storedTheme(): Theme {
  try {
    const value = window.localStorage.getItem(STORAGE_KEY);
    if (value === "light" || value === "dark") return value;
  } catch {
    // Storage can be unavailable (privacy mode); fall through to the OS preference.
  }
  return window.matchMedia?.("(prefers-color-scheme: light)").matches ? "light" : "dark";
}

function applyTheme(theme: Theme) {
  document.documentElement.dataset.theme = theme;
  try {
    window.localStorage.setItem(STORAGE_KEY, theme);
  } catch {
    // Not persisting locally only costs a flash of the other theme on next load.
  }
}

/** The theme follows the user's server-side `theme_preference`, cached locally for the login page. */
export function ThemeProvider({ children }: { children: ReactNode }) {
  const { status } = useAuth();
  const [theme, setTheme] = useState<Theme>(storedTheme);

  useEffect(() => applyTheme(theme), [theme]);

  useEffect(() => {
    if (status !== "authenticated") return;
    let cancelled = false;
    api
      .get<UserPreferences>("/user/preferences")
      .then((prefs) => {
        if (!cancelled && (prefs.theme_preference === "light" || prefs.theme_preference === "dark")) setTheme(prefs.theme_preference);
      })
      .catch(() => undefined);
    return () => {
      cancelled = true;
    };
  }, [status]);

  const toggleTheme = useCallback(() => {
    const next: Theme = theme === "dark" ? "light" : "dark";
    setTheme(next);
    if (status === "authenticated") void api.patch("/user/preferences", { theme_preference: next }).catch(() => undefined);
  }, [theme, status]);

  const value = useMemo(() => ({ theme, toggleTheme }), [theme, toggleTheme]);
  return <ThemeContext.Provider value={value}>{children}</ThemeContext.Provider>;
}

export function useTheme(): ThemeState {
  const context = useContext(ThemeContext);
  if (!context) throw new Error("useTheme must be used inside <ThemeProvider>");
  return context;
}
