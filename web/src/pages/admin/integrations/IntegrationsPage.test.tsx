import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { MemoryRouter } from "react-router-dom";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { IntegrationToken } from "../../../api/integrations";
import { AuthProvider } from "../../../auth/AuthProvider";
import { installFakeServer, type RecordedRequest } from "../../../test/fakeServer";
import IntegrationsPage from "./IntegrationsPage";

afterEach(() => vi.unstubAllGlobals());

const KEY = "patchmon_ae_0123456789abcdef0123456789abcdef";
const SECRET = "f".repeat(64);

function token(overrides: Partial<IntegrationToken> = {}): IntegrationToken {
  return {
    id: "t-api",
    token_name: "Ansible",
    token_key: "patchmon_ae_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    is_active: true,
    allowed_ip_ranges: [],
    max_hosts_per_day: 100,
    hosts_created_today: 0,
    last_used_at: null,
    expires_at: null,
    created_at: "2026-01-01T00:00:00Z",
    default_host_group_id: null,
    metadata: { integration_type: "api" },
    scopes: { host: ["get"] },
    host_groups: null,
    users: null,
    ...overrides,
  };
}

const PROXMOX = token({
  id: "t-pve",
  token_name: "PVE cluster",
  token_key: "patchmon_ae_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
  is_active: false,
  metadata: { integration_type: "proxmox-lxc" },
  scopes: null,
  expires_at: "2099-12-31T23:59:59Z",
  allowed_ip_ranges: ["10.0.0.0/24"],
});

type Reply = { status: number; body?: unknown } | undefined;

/** A fake server: the session (an admin), host groups, and `/auto-enrollment/tokens` holding `tokens`. */
function serve(tokens: IntegrationToken[], reply?: (request: RecordedRequest) => Reply) {
  const state = new Map(tokens.map((t) => [t.id, t]));
  return installFakeServer((request) => {
    const custom = reply?.(request);
    if (custom) return custom;
    if (request.path === "/settings/login-settings") return { status: 200, body: { hasAdminUsers: true, signup_enabled: false } };
    if (request.path === "/auth/profile") return { status: 200, body: { user: { id: "u1", username: "admin", role: "admin" } } };
    if (request.path === "/permissions/user-permissions") return { status: 200, body: { can_manage_settings: true, can_view_hosts: true } };
    if (request.path === "/host-groups") return { status: 200, body: [{ id: "g1", name: "Containers", description: null, color: "#3B82F6" }] };
    if (request.method === "GET" && request.path === "/auto-enrollment/tokens") return { status: 200, body: [...state.values()] };
    const one = request.path.match(/^\/auto-enrollment\/tokens\/([^/]+)$/);
    if (one && request.method === "PATCH") {
      const updated = { ...state.get(one[1]!)!, ...(request.body as Partial<IntegrationToken>) };
      state.set(updated.id, updated);
      return { status: 200, body: { message: "Token updated successfully", token: updated } };
    }
    if (one && request.method === "DELETE") {
      state.delete(one[1]!);
      return { status: 200, body: { message: "deleted" } };
    }
    if (request.method === "POST" && request.path === "/auto-enrollment/tokens") {
      const body = request.body as { token_name: string; scopes?: Record<string, string[]>; metadata: { integration_type: string } };
      const created = token({ id: "t-new", token_name: body.token_name, token_key: KEY, scopes: body.scopes ?? null, metadata: body.metadata });
      state.set(created.id, created);
      return {
        status: 201,
        body: {
          message: "created",
          token: { id: "t-new", token_name: body.token_name, token_key: KEY, token_secret: SECRET, max_hosts_per_day: 100, default_host_group: null, created_by: null, expires_at: null, scopes: body.scopes ?? null },
          warning: "save it",
        },
      };
    }
    return undefined;
  });
}

function renderPage() {
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(
    <QueryClientProvider client={queryClient}>
      <MemoryRouter initialEntries={["/admin/integrations"]}>
        <AuthProvider>
          <IntegrationsPage />
        </AuthProvider>
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

async function openNewDialog() {
  fireEvent.click(await screen.findByRole("button", { name: /New credential/ }));
  return screen.findByRole("dialog", { name: "New credential" });
}

describe("integrations page", () => {
  it("lists credentials with type, key, state, expiry and last use", async () => {
    serve([token({ last_used_at: new Date(Date.now() - 5 * 60_000).toISOString() }), PROXMOX]);
    renderPage();
    const table = await screen.findByRole("table", { name: "Integration credentials" });
    const rows = within(table).getAllByRole("row").slice(1);
    expect(rows).toHaveLength(2);
    expect(rows[0]?.textContent).toContain("Ansible");
    expect(rows[0]?.textContent).toContain("host:get");
    expect(rows[0]?.textContent).toContain("patchmon_ae_aaaa");
    expect(rows[0]?.textContent).toContain("Active");
    expect(rows[0]?.textContent).toContain("5 minutes ago");
    expect(rows[1]?.textContent).toContain("Proxmox LXC enrollment");
    expect(rows[1]?.textContent).toContain("Inactive");
    expect(rows[1]?.textContent).toContain("From 10.0.0.0/24");
    expect(rows[1]?.textContent).toContain("Never");
    expect(within(rows[1]!).getByRole("button", { name: "Activate PVE cluster" })).toBeTruthy();
  });

  it("shows an empty state", async () => {
    serve([]);
    renderPage();
    expect(await screen.findByText("No integration credentials")).toBeTruthy();
  });

  it("creates an API credential with the ticked scopes and shows its key and secret once", async () => {
    const { requests } = serve([]);
    renderPage();
    await screen.findByText("No integration credentials");
    const dialog = await openNewDialog();
    fireEvent.change(within(dialog).getByLabelText("Name"), { target: { value: "Ansible prod" } });
    expect((within(dialog).getByRole("checkbox", { name: "host: get" }) as HTMLInputElement).checked).toBe(true);
    fireEvent.click(within(dialog).getByRole("checkbox", { name: "host: delete" }));
    fireEvent.change(within(dialog).getByLabelText("Allowed IP addresses"), { target: { value: "10.0.0.5,\n192.168.0.0/16" } });
    fireEvent.change(within(dialog).getByLabelText(/Expires on/), { target: { value: "2030-06-30" } });
    expect(within(dialog).queryByLabelText("Max hosts per day")).toBeNull();
    fireEvent.click(within(dialog).getByRole("button", { name: "Create credential" }));

    const shown = await screen.findByRole("dialog", { name: "Credential “Ansible prod” created" });
    expect(requests.find((r) => r.method === "POST")?.body).toEqual({
      token_name: "Ansible prod",
      metadata: { integration_type: "api" },
      scopes: { host: ["get", "delete"] },
      allowed_ip_ranges: ["10.0.0.5", "192.168.0.0/16"],
      expires_at: "2030-06-30T23:59:59Z",
    });
    expect(within(shown).getByText(KEY)).toBeTruthy();
    expect(within(shown).getByText(SECRET)).toBeTruthy();
    expect(within(shown).getByText(/You will not see the secret again/)).toBeTruthy();
    expect(within(shown).getAllByRole("button", { name: "Copy" })).toHaveLength(2);
    expect(screen.queryByRole("dialog", { name: "New credential" })).toBeNull();

    fireEvent.click(within(shown).getByRole("button", { name: "Done" }));
    const table = await screen.findByRole("table", { name: "Integration credentials" });
    expect(table.textContent).toContain("Ansible prod");
    expect(document.body.textContent).not.toContain(SECRET);
  });

  it("shows the homepage widget YAML for a gethomepage credential", async () => {
    const { requests } = serve([]);
    renderPage();
    const dialog = await openNewDialog();
    fireEvent.change(within(dialog).getByLabelText("Name"), { target: { value: "Homepage" } });
    fireEvent.change(within(dialog).getByLabelText("Type"), { target: { value: "gethomepage" } });
    expect(within(dialog).queryByRole("checkbox", { name: "host: get" })).toBeNull();
    fireEvent.click(within(dialog).getByRole("button", { name: "Create credential" }));

    const shown = await screen.findByRole("dialog", { name: "Credential “Homepage” created" });
    expect(requests.find((r) => r.method === "POST")?.body).toEqual({ token_name: "Homepage", metadata: { integration_type: "gethomepage" }, allowed_ip_ranges: [] });
    const yaml = within(shown).getByLabelText("Homepage widget (services.yaml)").textContent ?? "";
    expect(yaml).toContain("type: customapi");
    expect(yaml).toContain(`url: ${window.location.origin}/api/v1/gethomepage/stats`);
    expect(yaml).toContain(`Authorization: Basic ${btoa(`${KEY}:${SECRET}`)}`);
    expect(yaml).toContain("field: total_hosts");
    expect(yaml).toContain("field: security_updates");
    expect(within(shown).getByRole("button", { name: "Copy YAML" })).toBeTruthy();
  });

  it("shows a Prometheus scrape job for a prometheus credential", async () => {
    const { requests } = serve([]);
    renderPage();
    const dialog = await openNewDialog();
    fireEvent.change(within(dialog).getByLabelText("Name"), { target: { value: "Scraper" } });
    fireEvent.change(within(dialog).getByLabelText("Type"), { target: { value: "prometheus" } });
    fireEvent.click(within(dialog).getByRole("button", { name: "Create credential" }));

    const shown = await screen.findByRole("dialog", { name: "Credential “Scraper” created" });
    expect(requests.find((r) => r.method === "POST")?.body).toEqual({ token_name: "Scraper", metadata: { integration_type: "prometheus" }, allowed_ip_ranges: [] });
    const yaml = within(shown).getByLabelText("Scrape job (prometheus.yml)").textContent ?? "";
    expect(yaml).toContain("metrics_path: /api/v1/metrics");
    expect(yaml).toContain(`username: ${KEY}`);
    expect(yaml).toContain(`password: ${SECRET}`);
    expect(yaml).toContain(`targets: ["${window.location.host}"]`);
  });

  it("shows the enrollment one-liner for a Proxmox token, with its group and quota", async () => {
    const { requests } = serve([]);
    renderPage();
    const dialog = await openNewDialog();
    fireEvent.change(within(dialog).getByLabelText("Name"), { target: { value: "PVE" } });
    fireEvent.change(within(dialog).getByLabelText("Type"), { target: { value: "proxmox-lxc" } });
    await within(dialog).findByRole("option", { name: "Containers" });
    fireEvent.change(within(dialog).getByLabelText("Default host group"), { target: { value: "g1" } });
    fireEvent.change(within(dialog).getByLabelText("Max hosts per day"), { target: { value: "25" } });
    fireEvent.click(within(dialog).getByRole("button", { name: "Create credential" }));

    const shown = await screen.findByRole("dialog", { name: "Credential “PVE” created" });
    expect(requests.find((r) => r.method === "POST")?.body).toMatchObject({ default_host_group_id: "g1", max_hosts_per_day: 25, metadata: { integration_type: "proxmox-lxc" } });
    expect(within(shown).getByText(`curl -s "${window.location.origin}/api/v1/auto-enrollment/script?type=proxmox-lxc&token_key=${KEY}&token_secret=${SECRET}" | bash`)).toBeTruthy();
  });

  it("keeps the dialog open and shows the server's validation error", async () => {
    serve([], (request) =>
      request.method === "POST" ? { status: 400, body: { error: "Invalid IP address or CIDR range: 10.0.0.0/33", errors: [{ msg: "x", param: "allowed_ip_ranges", location: "body" }] } } : undefined,
    );
    renderPage();
    const dialog = await openNewDialog();
    fireEvent.change(within(dialog).getByLabelText("Name"), { target: { value: "Bad" } });
    fireEvent.change(within(dialog).getByLabelText("Allowed IP addresses"), { target: { value: "10.0.0.0/33" } });
    fireEvent.click(within(dialog).getByRole("button", { name: "Create credential" }));
    expect(await within(dialog).findByText("Invalid IP address or CIDR range: 10.0.0.0/33")).toBeTruthy();
    expect(screen.queryByRole("dialog", { name: /created/ })).toBeNull();
  });

  it("deactivates and deletes after confirmation", async () => {
    const { requests } = serve([token()]);
    renderPage();
    fireEvent.click(await screen.findByRole("button", { name: "Deactivate Ansible" }));
    await screen.findByRole("button", { name: "Activate Ansible" });
    expect(requests.find((r) => r.method === "PATCH")).toMatchObject({ path: "/auto-enrollment/tokens/t-api", body: { is_active: false } });
    expect(screen.getByRole("table", { name: "Integration credentials" }).textContent).toContain("Inactive");

    fireEvent.click(screen.getByRole("button", { name: "Delete Ansible" }));
    const confirm = await screen.findByRole("dialog", { name: "Delete credential" });
    expect(requests.some((r) => r.method === "DELETE")).toBe(false);
    fireEvent.click(within(confirm).getByRole("button", { name: "Delete credential" }));
    expect(await screen.findByText("No integration credentials")).toBeTruthy();
    await waitFor(() => expect(requests.some((r) => r.method === "DELETE" && r.path === "/auto-enrollment/tokens/t-api")).toBe(true));
  });
});
