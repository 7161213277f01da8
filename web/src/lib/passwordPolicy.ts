import type { PasswordPolicy } from "../api/types";

export const DEFAULT_PASSWORD_POLICY: PasswordPolicy = {
  min_length: 8,
  require_uppercase: true,
  require_lowercase: true,
  require_number: true,
  require_special: true,
};

export interface PasswordHint {
  id: "length" | "uppercase" | "lowercase" | "number" | "special";
  label: string;
  met: boolean;
}

type CharClass = "upper" | "lower" | "number" | "special" | "other";

// Unicode classes, each code point counted in the first class that matches (as the server does).
function classify(char: string): CharClass {
  if (/\p{Lu}/u.test(char)) return "upper";
  if (/\p{Ll}/u.test(char)) return "lower";
  if (/\p{N}/u.test(char)) return "number";
  if (/[\p{P}\p{S}]/u.test(char)) return "special";
  return "other";
}

/** The server measures length in UTF-8 bytes, so "é" counts as two. */
export function utf8Length(value: string): number {
  return new TextEncoder().encode(value).length;
}

/** One hint per rule the policy enforces, each marked met or not for `password`. */
export function evaluatePasswordPolicy(password: string, policy: PasswordPolicy = DEFAULT_PASSWORD_POLICY): PasswordHint[] {
  const present = new Set<CharClass>(Array.from(password, classify));
  const hints: PasswordHint[] = [
    { id: "length", label: `At least ${policy.min_length} characters`, met: utf8Length(password) >= policy.min_length },
  ];
  if (policy.require_uppercase) hints.push({ id: "uppercase", label: "One uppercase letter", met: present.has("upper") });
  if (policy.require_lowercase) hints.push({ id: "lowercase", label: "One lowercase letter", met: present.has("lower") });
  if (policy.require_number) hints.push({ id: "number", label: "One number", met: present.has("number") });
  if (policy.require_special) hints.push({ id: "special", label: "One special character", met: present.has("special") });
  return hints;
}

export function passwordMeetsPolicy(password: string, policy?: PasswordPolicy): boolean {
  return evaluatePasswordPolicy(password, policy).every((hint) => hint.met);
}
