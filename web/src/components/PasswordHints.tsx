import type { PasswordPolicy } from "../api/types";
import { evaluatePasswordPolicy } from "../lib/passwordPolicy";

export function PasswordHints({ password, policy }: { password: string; policy?: PasswordPolicy }) {
  return (
    <ul className="password-hints" aria-label="Password requirements">
      {evaluatePasswordPolicy(password, policy).map((hint) => (
        <li key={hint.id} className={hint.met ? "hint-met" : "hint-unmet"}>
          <span aria-hidden="true">{hint.met ? "✓" : "○"}</span> {hint.label}
          <span className="sr-only">{hint.met ? " (met)" : " (not met)"}</span>
        </li>
      ))}
    </ul>
  );
}
