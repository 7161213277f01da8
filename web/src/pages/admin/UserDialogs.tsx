import { useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { api } from "../../api";
import type { AdminUser } from "../../api/types";
import { useAuth } from "../../auth/AuthProvider";
import { Modal } from "../../components/Modal";
import { PasswordHints } from "../../components/PasswordHints";
import { errorText, Notice } from "../../components/States";
import { passwordMeetsPolicy } from "../../lib/passwordPolicy";

function useSubmit(onDone: () => void) {
  const queryClient = useQueryClient();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (action: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
      void queryClient.invalidateQueries({ queryKey: ["admin-users"] });
      onDone();
    } catch (err) {
      setError(errorText(err));
      setBusy(false);
    }
  };
  return { busy, error, submit };
}

function Footer({ formId, busy, disabled, onCancel, label }: { formId: string; busy: boolean; disabled?: boolean; onCancel: () => void; label: string }) {
  return (
    <>
      <button type="button" className="btn" onClick={onCancel}>
        Cancel
      </button>
      <button type="submit" form={formId} className="btn btn-primary" disabled={busy || disabled}>
        {busy ? "Saving…" : label}
      </button>
    </>
  );
}

export function UserFormDialog({ user, roles, onClose }: { user: AdminUser | null; roles: string[]; onClose: () => void }) {
  const { loginSettings, user: me } = useAuth();
  const policy = loginSettings?.password_policy;
  const [draft, setDraft] = useState({
    username: user?.username ?? "",
    email: user?.email ?? "",
    first_name: user?.first_name ?? "",
    last_name: user?.last_name ?? "",
    role: user?.role ?? "user",
    is_active: user?.is_active ?? true,
    password: "",
  });
  const { busy, error, submit } = useSubmit(onClose);
  const isSelf = user !== null && user.id === me?.id;

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const common = { username: draft.username.trim(), email: draft.email.trim(), first_name: draft.first_name.trim(), last_name: draft.last_name.trim() };
    if (user) {
      void submit(() => api.put(`/auth/admin/users/${user.id}`, { ...common, ...(isSelf ? {} : { role: draft.role, is_active: draft.is_active }) }));
    } else {
      void submit(() => api.post("/auth/admin/users", { ...common, role: draft.role, password: draft.password }));
    }
  };
  const set = (key: keyof typeof draft) => (event: { target: { value: string } }) => setDraft({ ...draft, [key]: event.target.value });
  const roleOptions = roles.includes(draft.role) ? roles : [draft.role, ...roles];

  return (
    <Modal title={user ? `Edit ${user.username}` : "New user"} onClose={onClose} footer={<Footer formId="user-form" busy={busy} onCancel={onClose} label={user ? "Save" : "Create user"} disabled={!user && !passwordMeetsPolicy(draft.password, policy)} />}>
      <form id="user-form" className="form" onSubmit={onSubmit}>
        <div className="form-row">
          <div className="form-field">
            <label htmlFor="user-first">First name</label>
            <input id="user-first" value={draft.first_name} onChange={set("first_name")} />
          </div>
          <div className="form-field">
            <label htmlFor="user-last">Last name</label>
            <input id="user-last" value={draft.last_name} onChange={set("last_name")} />
          </div>
        </div>
        <div className="form-field">
          <label htmlFor="user-username">Username</label>
          <input id="user-username" required minLength={3} value={draft.username} onChange={set("username")} />
        </div>
        <div className="form-field">
          <label htmlFor="user-email">Email</label>
          <input id="user-email" type="email" required value={draft.email} onChange={set("email")} />
        </div>
        {!user && (
          <div className="form-field">
            <label htmlFor="user-password">Password</label>
            <input id="user-password" type="password" autoComplete="new-password" required value={draft.password} onChange={set("password")} />
            <PasswordHints password={draft.password} policy={policy} />
          </div>
        )}
        <div className="form-field">
          <label htmlFor="user-role">Role</label>
          <select id="user-role" value={draft.role} disabled={isSelf} onChange={set("role")}>
            {roleOptions.map((role) => (
              <option key={role} value={role}>
                {role}
              </option>
            ))}
          </select>
          {isSelf && <p className="help">You cannot change your own role or deactivate yourself.</p>}
        </div>
        {user && (
          <label className="checkbox">
            <input type="checkbox" checked={draft.is_active} disabled={isSelf} onChange={(event) => setDraft({ ...draft, is_active: event.target.checked })} />
            Active (deactivating signs the user out everywhere)
          </label>
        )}
        {error && <Notice kind="error">{error}</Notice>}
      </form>
    </Modal>
  );
}

export function ResetPasswordDialog({ user, onClose }: { user: AdminUser; onClose: () => void }) {
  const { loginSettings } = useAuth();
  const policy = loginSettings?.password_policy;
  const [password, setPassword] = useState("");
  const { busy, error, submit } = useSubmit(onClose);
  return (
    <Modal title={`Reset password for ${user.username}`} onClose={onClose} footer={<Footer formId="reset-form" busy={busy} onCancel={onClose} label="Reset password" disabled={!passwordMeetsPolicy(password, policy)} />}>
      <form
        id="reset-form"
        className="form"
        onSubmit={(event) => {
          event.preventDefault();
          void submit(() => api.post(`/auth/admin/users/${user.id}/reset-password`, { newPassword: password }));
        }}
      >
        <div className="form-field">
          <label htmlFor="reset-password">New password</label>
          <input id="reset-password" type="password" autoComplete="new-password" required value={password} onChange={(event) => setPassword(event.target.value)} />
          <PasswordHints password={password} policy={policy} />
        </div>
        <p className="help">All of the user's sessions and trusted devices are revoked.</p>
        {error && <Notice kind="error">{error}</Notice>}
      </form>
    </Modal>
  );
}
