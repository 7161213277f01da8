import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import { api } from "../api";
import type { UserPreferences } from "../api/types";
import { useAuth } from "../auth/AuthProvider";

export type Theme = "light" | "dark";

const STORAGE_KEY = "patchmon_theme";
/** A theme chosen here that the server has not confirmed yet (the save was cut off by a reload). */
const UNSAVED_KEY = "patchmon_theme_unsaved";

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

function unsavedTheme(): Theme | null {
  try {
    const value = window.localStorage.getItem(UNSAVED_KEY);
    return value === "light" || value === "dark" ? value : null;
  } catch {
    return null;
  }
}

function markUnsaved(theme: Theme | null) {
  try {
    if (theme) window.localStorage.setItem(UNSAVED_KEY, theme);
    else window.localStorage.removeItem(UNSAVED_KEY);
  } catch {
    // Without storage a save cut off by a reload is lost, as it would be anyway.
  }
}

/** Saves `theme` as the user's preference; the unsaved mark goes once the server has it. */
function saveTheme(theme: Theme) {
  markUnsaved(theme);
  void api
    .patch("/user/preferences", { theme_preference: theme })
    .then(() => {
      if (unsavedTheme() === theme) markUnsaved(null);
    })
    .catch(() => undefined);
}

/**
 * The theme follows the user's server-side `theme_preference`, cached locally for the login page.
 * A choice whose save a reload cut off wins over the server's older value and is saved again.
 */
export function ThemeProvider({ children }: { children: ReactNode }) {
  const { status } = useAuth();
  const [theme, setTheme] = useState<Theme>(storedTheme);

  useEffect(() => applyTheme(theme), [theme]);

  useEffect(() => {
    // A signed-out browser's unsaved choice must not become the next user's preference.
    if (status === "anonymous") markUnsaved(null);
    if (status !== "authenticated") return;
    const unsaved = unsavedTheme();
    if (unsaved) {
      setTheme(unsaved);
      saveTheme(unsaved);
      return;
    }
    let cancelled = false;
    api
      .get<UserPreferences>("/user/preferences")
      .then((prefs) => {
        const saved = prefs.theme_preference;
        // A toggle while this was in flight is newer than the answer.
        if (!cancelled && !unsavedTheme() && (saved === "light" || saved === "dark")) setTheme(saved);
      })
      .catch(() => undefined);
    return () => {
      cancelled = true;
    };
  }, [status]);

  const toggleTheme = useCallback(() => {
    const next: Theme = theme === "dark" ? "light" : "dark";
    setTheme(next);
    if (status === "authenticated") saveTheme(next);
  }, [theme, status]);

  const value = useMemo(() => ({ theme, toggleTheme }), [theme, toggleTheme]);
  return <ThemeContext.Provider value={value}>{children}</ThemeContext.Provider>;
}

export function useTheme(): ThemeState {
  const context = useContext(ThemeContext);
  if (!context) throw new Error("useTheme must be used inside <ThemeProvider>");
  return context;
}
