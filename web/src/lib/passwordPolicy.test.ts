import { describe, expect, it } from "vitest";
import { evaluatePasswordPolicy, passwordMeetsPolicy, utf8Length } from "./passwordPolicy";

const unmet = (password: string, policy?: Parameters<typeof evaluatePasswordPolicy>[1]) =>
  evaluatePasswordPolicy(password, policy)
    .filter((hint) => !hint.met)
    .map((hint) => hint.id);

describe("password policy hints", () => {
  it("lists every default rule as unmet for an empty password", () => {
    expect(unmet("")).toEqual(["length", "uppercase", "lowercase", "number", "special"]);
  });

  it("accepts a password meeting the default policy", () => {
    expect(unmet("Str0ng!pass")).toEqual([]);
    expect(passwordMeetsPolicy("Str0ng!pass")).toBe(true);
  });

  it("reports each missing class separately", () => {
    expect(unmet("alllowercase")).toEqual(["uppercase", "number", "special"]);
    expect(unmet("ALLUPPER123")).toEqual(["lowercase", "special"]);
  });

  it("only shows the rules the policy enforces", () => {
    const policy = { min_length: 12, require_uppercase: false, require_lowercase: true, require_number: false, require_special: false };
    expect(evaluatePasswordPolicy("short", policy).map((hint) => hint.id)).toEqual(["length", "lowercase"]);
    expect(evaluatePasswordPolicy("short", policy)[0]?.label).toBe("At least 12 characters");
    expect(passwordMeetsPolicy("longenoughpass", policy)).toBe(true);
  });

  it("counts length in UTF-8 bytes like the server", () => {
    expect(utf8Length("é")).toBe(2);
    const policy = { min_length: 8, require_uppercase: false, require_lowercase: false, require_number: false, require_special: false };
    expect(passwordMeetsPolicy("éééé", policy)).toBe(true);
    expect(passwordMeetsPolicy("abcd", policy)).toBe(false);
  });

  it("uses Unicode character classes", () => {
    expect(unmet("Ünïcødé1€")).toEqual([]);
    expect(unmet("ABCdef١٢!")).toEqual([]);
  });
});
