import { useState, type FormEvent } from "react";
import { Navigate } from "react-router-dom";
import { api } from "../../api";
import type { User } from "../../api/types";
import { useAuth } from "../../auth/AuthProvider";
import { errorText, Notice } from "../../components/States";
import { passwordMeetsPolicy } from "../../lib/passwordPolicy";
import { AccountFields, EMPTY_ACCOUNT } from "./AccountFields";
import { AuthCard } from "./AuthCard";

export default function SetupAdminPage() {
  const { status, loginSettings, completeLogin } = useAuth();
  const [draft, setDraft] = useState(EMPTY_ACCOUNT);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  if (status !== "setup") return <Navigate to="/login" replace />;

  const policy = loginSettings?.password_policy;
  const ready = passwordMeetsPolicy(draft.password, policy) && draft.password === draft.confirmPassword;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const result = await api.post<{ user: User }>("/auth/setup-admin", {
        firstName: draft.firstName.trim(),
        lastName: draft.lastName.trim(),
        username: draft.username.trim(),
        email: draft.email.trim(),
        password: draft.password,
      });
      await completeLogin(result.user);
    } catch (err) {
      setError(errorText(err));
      setBusy(false);
    }
  };

  return (
    <AuthCard title="Welcome to PatchMon" subtitle="Create the first administrator account. Tip: choose a unique username rather than “admin”.">
      <form onSubmit={submit} className="form">
        <AccountFields draft={draft} onChange={setDraft} policy={policy} />
        {error && <Notice kind="error">{error}</Notice>}
        <button type="submit" className="btn btn-primary btn-block" disabled={busy || !ready}>
          {busy ? "Creating account…" : "Create account"}
        </button>
      </form>
    </AuthCard>
  );
}
