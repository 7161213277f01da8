import { useState, type FormEvent } from "react";
import { api } from "../../api";
import type { User } from "../../api/types";
import { useAuth } from "../../auth/AuthProvider";
import { errorText, Notice } from "../../components/States";

export function ProfileForm() {
  const { user, setUser } = useAuth();
  const [draft, setDraft] = useState({
    first_name: user?.first_name ?? "",
    last_name: user?.last_name ?? "",
    username: user?.username ?? "",
    email: user?.email ?? "",
  });
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ kind: "error" | "success"; text: string } | null>(null);
  const managedBySso = Boolean(user?.oidc_sub || user?.oidc_provider);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setMessage(null);
    try {
      const result = await api.put<{ message: string; user: User }>("/auth/profile", {
        first_name: draft.first_name.trim(),
        last_name: draft.last_name.trim(),
        username: draft.username.trim(),
        email: draft.email.trim(),
      });
      setUser(result.user);
      setMessage({ kind: "success", text: result.message });
    } catch (err) {
      setMessage({ kind: "error", text: errorText(err) });
    } finally {
      setBusy(false);
    }
  };
  const set = (key: keyof typeof draft) => (event: { target: { value: string } }) => setDraft({ ...draft, [key]: event.target.value });

  return (
    <form className="card form" onSubmit={submit} style={{ maxWidth: 560 }}>
      {managedBySso && <Notice kind="info">Your profile is managed by your single sign-on provider.</Notice>}
      <div className="form-row">
        <div className="form-field">
          <label htmlFor="profile-first">First name</label>
          <input id="profile-first" value={draft.first_name} disabled={managedBySso} onChange={set("first_name")} />
        </div>
        <div className="form-field">
          <label htmlFor="profile-last">Last name</label>
          <input id="profile-last" value={draft.last_name} disabled={managedBySso} onChange={set("last_name")} />
        </div>
      </div>
      <div className="form-field">
        <label htmlFor="profile-username">Username</label>
        <input id="profile-username" required minLength={3} value={draft.username} disabled={managedBySso} onChange={set("username")} />
      </div>
      <div className="form-field">
        <label htmlFor="profile-email">Email</label>
        <input id="profile-email" type="email" required value={draft.email} disabled={managedBySso} onChange={set("email")} />
      </div>
      <p className="muted small">Role: {user?.role}</p>
      {message && <Notice kind={message.kind}>{message.text}</Notice>}
      <div>
        <button type="submit" className="btn btn-primary" disabled={busy || managedBySso}>
          {busy ? "Saving…" : "Save profile"}
        </button>
      </div>
    </form>
  );
}
