import { fireEvent, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { installFakeServer } from "../../test/fakeServer";
import { renderApp } from "../../test/renderApp";

const POLICY = { min_length: 8, require_uppercase: true, require_lowercase: true, require_number: true, require_special: true };
const USER = { id: "u1", username: "alice", email: "a@example.com", role: "readonly", is_active: true };
const READONLY = { can_view_dashboard: false, can_view_hosts: true };

afterEach(() => vi.unstubAllGlobals());

describe("first run and sign-in", () => {
  it("shows the first-time setup page when no admin exists and submits setup-admin", async () => {
    const { requests } = installFakeServer((request) => {
      if (request.path === "/settings/login-settings") return { status: 200, body: { hasAdminUsers: false, signup_enabled: false, password_policy: POLICY } };
      if (request.path === "/auth/setup-admin") return { status: 201, body: { user: { ...USER, role: "superadmin" } } };
      if (request.path === "/permissions/user-permissions") return { status: 200, body: READONLY };
      if (request.path.startsWith("/dashboard/hosts")) return { status: 200, body: { items: [], total: 0, limit: 500, offset: 0 } };
      return undefined;
    });
    renderApp("/");
    expect(await screen.findByText("Welcome to PatchMon")).toBeTruthy();

    const fill = (label: RegExp, value: string) => fireEvent.change(screen.getByLabelText(label), { target: { value } });
    fill(/First name/, "Alice");
    fill(/Last name/, "Admin");
    fill(/Username/, "alice");
    fill(/Email/, "a@example.com");
    fill(/^Password$/, "weak");
    expect(screen.getByText(/One uppercase letter/).closest("li")?.className).toBe("hint-unmet");
    fill(/^Password$/, "Str0ng!pass");
    fill(/Confirm password/, "Str0ng!pass");
    expect(screen.getByText(/One uppercase letter/).closest("li")?.className).toBe("hint-met");
    fireEvent.click(screen.getByRole("button", { name: "Create account" }));

    await waitFor(() => expect(requests.some((r) => r.path === "/auth/setup-admin")).toBe(true));
    const setup = requests.find((r) => r.path === "/auth/setup-admin");
    expect(setup?.body).toEqual({ firstName: "Alice", lastName: "Admin", username: "alice", email: "a@example.com", password: "Str0ng!pass" });
    // Without can_view_dashboard the user lands on the first page they may open. Signing in
    // preloads every page's chunk; Vitest transforms them cold here, which can take seconds.
    expect(await screen.findByRole("heading", { name: "Hosts" }, { timeout: 8000 })).toBeTruthy();
  });

  it("asks for a TFA code after the password and verifies it with the ticket", async () => {
    let loggedIn = false;
    const { requests } = installFakeServer((request) => {
      if (request.path === "/settings/login-settings") return { status: 200, body: { hasAdminUsers: true, signup_enabled: false, password_policy: POLICY } };
      if (request.path === "/auth/profile") return loggedIn ? { status: 200, body: { user: USER } } : { status: 401, body: { error: "Unauthorized" } };
      if (request.path === "/auth/refresh") return { status: 401, body: { error: "Missing refresh token" } };
      if (request.path === "/auth/login") return { status: 200, body: { message: "TFA verification required", requiresTfa: true, username: "alice", tfaTicket: "t".repeat(64) } };
      if (request.path === "/auth/verify-tfa") {
        loggedIn = true;
        return { status: 200, body: { message: "Login successful", user: USER } };
      }
      if (request.path === "/permissions/user-permissions") return { status: 200, body: READONLY };
      if (request.path.startsWith("/dashboard/hosts")) return { status: 200, body: { items: [], total: 0, limit: 500, offset: 0 } };
      return undefined;
    });
    renderApp("/hosts");
    expect(await screen.findByRole("heading", { name: "Sign in" })).toBeTruthy();
    expect(screen.queryByText("Create one")).toBeNull();

    fireEvent.change(screen.getByLabelText("Username or email"), { target: { value: "alice" } });
    fireEvent.change(screen.getByLabelText("Password"), { target: { value: "secret" } });
    fireEvent.click(screen.getByRole("button", { name: "Sign in" }));

    const code = await screen.findByLabelText("Verification code");
    fireEvent.change(code, { target: { value: "ab12cd" } });
    fireEvent.click(screen.getByLabelText("Remember this device"));
    fireEvent.click(screen.getByRole("button", { name: "Verify" }));

    expect(await screen.findByRole("heading", { name: "Hosts" }, { timeout: 8000 })).toBeTruthy();
    const verify = requests.find((r) => r.path === "/auth/verify-tfa");
    expect(verify?.body).toEqual({ username: "alice", token: "AB12CD", remember_me: true, tfa_ticket: "t".repeat(64) });
    expect(verify?.headers["X-User-Activity"]).toBe("1");
    // Readonly: no dashboard or admin links in the sidebar, no management controls.
    expect(screen.queryByRole("link", { name: "Dashboard" })).toBeNull();
    expect(screen.queryByRole("link", { name: "Users" })).toBeNull();
    expect(screen.queryByRole("button", { name: /Add host/ })).toBeNull();
  });

  it("shows the server's error message for a failed login", async () => {
    installFakeServer((request) => {
      if (request.path === "/settings/login-settings") return { status: 200, body: { hasAdminUsers: true, signup_enabled: true } };
      if (request.path === "/auth/profile") return { status: 401, body: { error: "Unauthorized" } };
      if (request.path === "/auth/refresh") return { status: 401, body: { error: "Missing refresh token" } };
      if (request.path === "/auth/login") return { status: 401, body: { error: "Invalid credentials" } };
      return undefined;
    });
    renderApp("/login");
    expect(await screen.findByText("Create one")).toBeTruthy();
    fireEvent.change(screen.getByLabelText("Username or email"), { target: { value: "alice" } });
    fireEvent.change(screen.getByLabelText("Password"), { target: { value: "nope" } });
    fireEvent.click(screen.getByRole("button", { name: "Sign in" }));
    expect(await screen.findByText("Invalid credentials")).toBeTruthy();
  });
});
