import type { PasswordPolicy } from "../../api/types";
import { PasswordHints } from "../../components/PasswordHints";

export interface AccountDraft {
  firstName: string;
  lastName: string;
  username: string;
  email: string;
  password: string;
  confirmPassword: string;
}

export const EMPTY_ACCOUNT: AccountDraft = { firstName: "", lastName: "", username: "", email: "", password: "", confirmPassword: "" };

/** Name, username, email and password inputs shared by first-run setup and signup. */
export function AccountFields({ draft, onChange, policy }: { draft: AccountDraft; onChange: (draft: AccountDraft) => void; policy?: PasswordPolicy }) {
  const field = (key: keyof AccountDraft) => ({
    value: draft[key],
    onChange: (event: { target: { value: string } }) => onChange({ ...draft, [key]: event.target.value }),
  });
  const mismatch = draft.confirmPassword !== "" && draft.confirmPassword !== draft.password;
  return (
    <>
      <div className="form-row">
        <div className="form-field">
          <label htmlFor="acct-first">First name</label>
          <input id="acct-first" autoComplete="given-name" required {...field("firstName")} />
        </div>
        <div className="form-field">
          <label htmlFor="acct-last">Last name</label>
          <input id="acct-last" autoComplete="family-name" required {...field("lastName")} />
        </div>
      </div>
      <div className="form-field">
        <label htmlFor="acct-username">Username</label>
        <input id="acct-username" autoComplete="username" required minLength={3} {...field("username")} />
      </div>
      <div className="form-field">
        <label htmlFor="acct-email">Email</label>
        <input id="acct-email" type="email" autoComplete="email" required {...field("email")} />
      </div>
      <div className="form-field">
        <label htmlFor="acct-password">Password</label>
        <input id="acct-password" type="password" autoComplete="new-password" required {...field("password")} />
        <PasswordHints password={draft.password} policy={policy} />
      </div>
      <div className="form-field">
        <label htmlFor="acct-confirm">Confirm password</label>
        <input id="acct-confirm" type="password" autoComplete="new-password" required aria-invalid={mismatch || undefined} {...field("confirmPassword")} />
        {mismatch && <p className="field-error">Passwords do not match</p>}
      </div>
    </>
  );
}
