import { useState, type FormEvent } from "react";
import { Link } from "react-router-dom";
import { api } from "../../api";
import { ApiError } from "../../api/client";
import type { LoginResponse, LoginSuccess, TfaRequired } from "../../api/types";
import { useAuth } from "../../auth/AuthProvider";
import { errorText, Notice } from "../../components/States";
import { AuthCard } from "./AuthCard";

function describeLoginError(error: unknown): string {
  if (error instanceof ApiError && error.body && typeof error.body === "object") {
    const body = error.body as Record<string, unknown>;
    if (typeof body.remaining_seconds === "number") return `${error.message} (${Math.ceil(body.remaining_seconds / 60)} min)`;
    if (typeof body.remainingAttempts === "number") return `${error.message}. ${body.remainingAttempts} attempt(s) left.`;
  }
  return errorText(error);
}

function isExpiredTicket(error: unknown): boolean {
  return error instanceof ApiError && error.status === 401 && error.message.startsWith("Login session expired");
}

interface TfaFormProps {
  challenge: TfaRequired;
  /** A fresh ticket from the password step again, or null when that no longer asks for TFA. */
  renewTicket: () => Promise<string | null>;
  onCancel: (message?: string) => void;
}

function TfaForm({ challenge, renewTicket, onCancel }: TfaFormProps) {
  const { completeLogin } = useAuth();
  const [ticket, setTicket] = useState(challenge.tfaTicket);
  const [token, setToken] = useState("");
  const [rememberMe, setRememberMe] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const verify = (tfaTicket: string) =>
      api.post<LoginSuccess>("/auth/verify-tfa", { username: challenge.username, token: token.trim().toUpperCase(), remember_me: rememberMe, tfa_ticket: tfaTicket });
    try {
      let result: LoginSuccess;
      try {
        result = await verify(ticket);
      } catch (err) {
        // The server spends the ticket on every attempt, a wrong code included (and tickets
        // expire): repeat the password step once for a new ticket instead of starting over.
        if (!isExpiredTicket(err)) throw err;
        const renewed = await renewTicket();
        if (!renewed) throw err;
        setTicket(renewed);
        result = await verify(renewed);
      }
      await completeLogin(result.user);
    } catch (err) {
      if (isExpiredTicket(err)) onCancel(err instanceof Error ? err.message : undefined);
      else setError(describeLoginError(err));
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit} className="form">
      <p className="muted">Enter the 6-character code from your authenticator app, or one of your backup codes.</p>
      <div className="form-field">
        <label htmlFor="tfa-token">Verification code</label>
        <input
          id="tfa-token"
          inputMode="text"
          autoComplete="one-time-code"
          maxLength={6}
          pattern="[A-Za-z0-9]{6}"
          required
          autoFocus
          value={token}
          onChange={(event) => setToken(event.target.value.replace(/\s/g, ""))}
        />
      </div>
      <label className="checkbox">
        <input type="checkbox" checked={rememberMe} onChange={(event) => setRememberMe(event.target.checked)} />
        Remember this device
      </label>
      {error && <Notice kind="error">{error}</Notice>}
      <button type="submit" className="btn btn-primary btn-block" disabled={busy || token.length !== 6}>
        {busy ? "Verifying…" : "Verify"}
      </button>
      <button type="button" className="btn btn-link btn-block" onClick={() => onCancel()}>
        Back to sign in
      </button>
    </form>
  );
}

export default function LoginPage() {
  const { loginSettings, completeLogin } = useAuth();
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [challenge, setChallenge] = useState<TfaRequired | null>(null);

  const passwordLogin = () => api.post<LoginResponse>("/auth/login", { username: username.trim(), password });

  const renewTicket = async (): Promise<string | null> => {
    const result = await passwordLogin();
    return "requiresTfa" in result && result.requiresTfa ? result.tfaTicket : null;
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const result = await passwordLogin();
      if ("requiresTfa" in result && result.requiresTfa) {
        setChallenge(result);
        setBusy(false);
        return;
      }
      await completeLogin((result as LoginSuccess).user);
    } catch (err) {
      setError(describeLoginError(err));
      setBusy(false);
    }
  };

  if (challenge) {
    return (
      <AuthCard title="Two-factor authentication">
        <TfaForm
          challenge={challenge}
          renewTicket={renewTicket}
          onCancel={(message) => {
            setChallenge(null);
            setPassword("");
            setError(message ?? null);
          }}
        />
      </AuthCard>
    );
  }

  return (
    <AuthCard
      title="Sign in"
      subtitle="Sign in to your PatchMon dashboard"
      footer={
        loginSettings?.signup_enabled ? (
          <span>
            No account yet? <Link to="/signup">Create one</Link>
          </span>
        ) : undefined
      }
    >
      <form onSubmit={submit} className="form">
        <div className="form-field">
          <label htmlFor="login-username">Username or email</label>
          <input id="login-username" autoComplete="username" required autoFocus value={username} onChange={(event) => setUsername(event.target.value)} />
        </div>
        <div className="form-field">
          <label htmlFor="login-password">Password</label>
          <input id="login-password" type="password" autoComplete="current-password" required value={password} onChange={(event) => setPassword(event.target.value)} />
        </div>
        {error && <Notice kind="error">{error}</Notice>}
        <button type="submit" className="btn btn-primary btn-block" disabled={busy}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
      </form>
      {loginSettings?.current_version && loginSettings.show_github_version_on_login !== false && (
        <p className="muted small center">Version {loginSettings.current_version}</p>
      )}
    </AuthCard>
  );
}
