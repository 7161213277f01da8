import { useQueryClient } from "@tanstack/react-query";
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import { api, onSessionLost } from "../api";
import { serverRoutesQuery } from "../api/capabilities";
import { ApiError } from "../api/client";
import type { LoginSettings, Permissions, User } from "../api/types";
import { NO_PERMISSIONS, toPermissions } from "./permissions";

export type AuthStatus = "loading" | "setup" | "anonymous" | "authenticated" | "unreachable";

export interface AuthState {
  status: AuthStatus;
  loginSettings: LoginSettings | null;
  user: User | null;
  permissions: Permissions;
  error: string | null;
  /** Called after a successful login/setup: loads the caller's permissions. */
  completeLogin: (user: User) => Promise<void>;
  logout: () => Promise<void>;
  setUser: (user: User) => void;
  reload: () => Promise<void>;
}

const AuthContext = createContext<AuthState | null>(null);

async function loadPermissions(): Promise<Permissions> {
  return toPermissions(await api.get<unknown>("/permissions/user-permissions"));
}

export function AuthProvider({ children }: { children: ReactNode }) {
  const [status, setStatus] = useState<AuthStatus>("loading");
  const [loginSettings, setLoginSettings] = useState<LoginSettings | null>(null);
  const [user, setUser] = useState<User | null>(null);
  const [permissions, setPermissions] = useState<Permissions>(NO_PERMISSIONS);
  const [error, setError] = useState<string | null>(null);
  const queryClient = useQueryClient();

  const becomeAnonymous = useCallback(() => {
    // Cached pages belong to the previous session; the next user must not see them. The route
    // list describes the server, not the session, so it stays.
    queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== serverRoutesQuery.queryKey[0] });
    setUser(null);
    setPermissions(NO_PERMISSIONS);
    setStatus("anonymous");
  }, [queryClient]);

  const reload = useCallback(async () => {
    setStatus("loading");
    setError(null);
    let settings: LoginSettings | null = null;
    try {
      settings = await api.get<LoginSettings>("/settings/login-settings");
      setLoginSettings(settings);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
      setStatus("unreachable");
      return;
    }
    if (settings.hasAdminUsers === false) {
      setStatus("setup");
      return;
    }
    try {
      const [profile, granted] = await Promise.all([api.get<{ user: User }>("/auth/profile"), loadPermissions()]);
      setUser(profile.user);
      setPermissions(granted);
      setStatus("authenticated");
    } catch (err) {
      if (err instanceof ApiError && (err.status === 401 || err.status === 404)) becomeAnonymous();
      else {
        setError(err instanceof Error ? err.message : String(err));
        setStatus("unreachable");
      }
    }
  }, [becomeAnonymous]);

  useEffect(() => {
    void reload();
  }, [reload]);

  useEffect(() => onSessionLost(becomeAnonymous), [becomeAnonymous]);

  const completeLogin = useCallback(async (loggedIn: User) => {
    setUser(loggedIn);
    setPermissions(await loadPermissions());
    setLoginSettings((current) => (current ? { ...current, hasAdminUsers: true } : current));
    setStatus("authenticated");
  }, []);

  const logout = useCallback(async () => {
    try {
      await api.post("/auth/logout");
    } finally {
      becomeAnonymous();
    }
  }, [becomeAnonymous]);

  const value = useMemo<AuthState>(
    () => ({ status, loginSettings, user, permissions, error, completeLogin, logout, setUser, reload }),
    [status, loginSettings, user, permissions, error, completeLogin, logout, reload],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthState {
  const context = useContext(AuthContext);
  if (!context) throw new Error("useAuth must be used inside <AuthProvider>");
  return context;
}

export function usePermissions(): Permissions {
  return useAuth().permissions;
}
