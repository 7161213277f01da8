import { useState, type FormEvent } from "react";
import { Link, Navigate } from "react-router-dom";
import { api } from "../../api";
import { useAuth } from "../../auth/AuthProvider";
import { errorText, Notice } from "../../components/States";
import { passwordMeetsPolicy } from "../../lib/passwordPolicy";
import { AccountFields, EMPTY_ACCOUNT } from "./AccountFields";
import { AuthCard } from "./AuthCard";

export default function SignupPage() {
  const { loginSettings } = useAuth();
  const [draft, setDraft] = useState(EMPTY_ACCOUNT);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [created, setCreated] = useState(false);

  if (loginSettings && !loginSettings.signup_enabled) return <Navigate to="/login" replace />;

  const policy = loginSettings?.password_policy;
  const ready = passwordMeetsPolicy(draft.password, policy) && draft.password === draft.confirmPassword;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api.post("/auth/signup", {
        firstName: draft.firstName.trim(),
        lastName: draft.lastName.trim(),
        username: draft.username.trim(),
        email: draft.email.trim(),
        password: draft.password,
      });
      // Signup sets no session cookies, so the new user signs in normally.
      setCreated(true);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  if (created) {
    return (
      <AuthCard title="Account created">
        <p>Your account is ready.</p>
        <Link to="/login" className="btn btn-primary btn-block">
          Sign in
        </Link>
      </AuthCard>
    );
  }

  return (
    <AuthCard title="Create an account" footer={<Link to="/login">Back to sign in</Link>}>
      <form onSubmit={submit} className="form">
        <AccountFields draft={draft} onChange={setDraft} policy={policy} />
        {error && <Notice kind="error">{error}</Notice>}
        <button type="submit" className="btn btn-primary btn-block" disabled={busy || !ready}>
          {busy ? "Creating…" : "Create account"}
        </button>
      </form>
    </AuthCard>
  );
}
