import { useState, type FormEvent } from "react";
import { api } from "../../api";
import { useAuth } from "../../auth/AuthProvider";
import { PasswordHints } from "../../components/PasswordHints";
import { errorText, Notice } from "../../components/States";
import { passwordMeetsPolicy } from "../../lib/passwordPolicy";

export function ChangePasswordForm() {
  const { loginSettings, user } = useAuth();
  const policy = loginSettings?.password_policy;
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [confirm, setConfirm] = useState("");
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ kind: "error" | "success"; text: string } | null>(null);

  if (user?.has_password === false) return <Notice kind="info">Your account signs in through single sign-on and has no password here.</Notice>;

  const ready = current !== "" && passwordMeetsPolicy(next, policy) && next === confirm;
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setMessage(null);
    try {
      const result = await api.put<{ message: string }>("/auth/change-password", { currentPassword: current, newPassword: next });
      setMessage({ kind: "success", text: `${result.message}. Your other sessions and trusted devices were signed out.` });
      setCurrent("");
      setNext("");
      setConfirm("");
    } catch (err) {
      setMessage({ kind: "error", text: errorText(err) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="card form" onSubmit={submit} style={{ maxWidth: 560 }}>
      <div className="form-field">
        <label htmlFor="pw-current">Current password</label>
        <input id="pw-current" type="password" autoComplete="current-password" required value={current} onChange={(event) => setCurrent(event.target.value)} />
      </div>
      <div className="form-field">
        <label htmlFor="pw-new">New password</label>
        <input id="pw-new" type="password" autoComplete="new-password" required value={next} onChange={(event) => setNext(event.target.value)} />
        <PasswordHints password={next} policy={policy} />
      </div>
      <div className="form-field">
        <label htmlFor="pw-confirm">Confirm new password</label>
        <input id="pw-confirm" type="password" autoComplete="new-password" required value={confirm} onChange={(event) => setConfirm(event.target.value)} />
        {confirm !== "" && confirm !== next && <p className="field-error">Passwords do not match</p>}
      </div>
      {message && <Notice kind={message.kind}>{message.text}</Notice>}
      <div>
        <button type="submit" className="btn btn-primary" disabled={busy || !ready}>
          {busy ? "Changing…" : "Change password"}
        </button>
      </div>
    </form>
  );
}
