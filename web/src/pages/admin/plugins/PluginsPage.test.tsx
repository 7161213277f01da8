import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { MemoryRouter } from "react-router-dom";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { PluginView } from "../../../api/plugins";
import { installFakeServer, type RecordedRequest } from "../../../test/fakeServer";
import PluginsPage from "./PluginsPage";
import { testPlugin } from "./testPlugin";

afterEach(() => vi.unstubAllGlobals());

const BUILTIN = testPlugin({
  id: "collector-core",
  name: "Core collector",
  kind: "collector",
  builtin: true,
  enabled: false,
  status: "auto_disabled",
  status_reason: "3 timeouts in a row",
  requested_capabilities: [],
  granted_capabilities: [],
  config_schema: { type: "object" },
  config: {},
  secrets_set: [],
});

/** A fake `/plugins` API holding `plugins`; `reply` may answer a request first. */
function serve(plugins: PluginView[], reply?: (request: RecordedRequest) => { status: number; body?: unknown } | undefined) {
  const state = new Map(plugins.map((plugin) => [plugin.id, plugin]));
  return installFakeServer((request) => {
    const custom = reply?.(request);
    if (custom) return custom;
    if (request.method === "GET" && request.path === "/plugins") return { status: 200, body: { plugins: [...state.values()] } };
    const grants = request.path.match(/^\/plugins\/([^/]+)\/grants$/);
    if (grants && request.method === "PUT") {
      const current = state.get(grants[1]!)!;
      const updated = { ...current, granted_capabilities: (request.body as { capabilities: string[] }).capabilities };
      state.set(updated.id, updated);
      return { status: 200, body: updated };
    }
    const config = request.path.match(/^\/plugins\/([^/]+)\/config$/);
    if (config && request.method === "PUT") {
      const current = state.get(config[1]!)!;
      const { secret, ...rest } = (request.body as { config: Record<string, unknown> }).config;
      const updated = { ...current, config: rest, secrets_set: secret ? ["secret"] : current.secrets_set };
      state.set(updated.id, updated);
      return { status: 200, body: updated };
    }
    return undefined;
  });
}

function renderPage(path = "/admin/plugins") {
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(
    <QueryClientProvider client={queryClient}>
      <MemoryRouter initialEntries={[path]}>
        <PluginsPage />
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

describe("plugins page", () => {
  it("lists plugins with kind, version, status (with the auto-disable reason) and the built-in marker", async () => {
    serve([testPlugin(), BUILTIN]);
    renderPage();
    const table = await screen.findByRole("table", { name: "Plugins" });
    const rows = within(table).getAllByRole("row").slice(1);
    expect(rows.map((row) => row.querySelector("td button")?.textContent)).toEqual(["Core collector", "Webhook"]);
    expect(rows[0]?.textContent).toContain("Collector");
    expect(rows[0]?.textContent).toContain("Built-in");
    expect(rows[0]?.textContent).toContain("Auto-disabled");
    expect(rows[0]?.textContent).toContain("3 timeouts in a row");
    expect(rows[1]?.textContent).toContain("Notifier");
    expect(rows[1]?.textContent).toContain("0.1.0");
    expect(rows[1]?.textContent).toContain("3 of 4 not granted");
  });

  it("grants the ticked capabilities", async () => {
    const { requests } = serve([testPlugin()]);
    renderPage("/admin/plugins?plugin=notifier-webhook");
    const dialog = await screen.findByRole("dialog", { name: "Webhook 0.1.0" });
    const save = within(dialog).getByRole("button", { name: "Save permissions" }) as HTMLButtonElement;
    expect(save.disabled).toBe(true);
    expect(within(dialog).getByText("dpkg-query -W ‹any argument› ‹any further arguments›")).toBeTruthy();
    expect((within(dialog).getByRole("checkbox", { name: /Keep its own data/ }) as HTMLInputElement).checked).toBe(true);

    fireEvent.click(within(dialog).getByRole("checkbox", { name: /Make web requests/ }));
    expect(save.disabled).toBe(false);
    fireEvent.click(save);
    await within(dialog).findByText("Permissions saved");
    expect(requests.find((r) => r.method === "PUT")).toMatchObject({ path: "/plugins/notifier-webhook/grants", body: { capabilities: ["http", "kv"] } });
    expect((within(dialog).getByRole("checkbox", { name: /Make web requests/ }) as HTMLInputElement).checked).toBe(true);
  });

  it("saves the configuration without the stored secret, and shows the server's field errors", async () => {
    let reject = true;
    const { requests } = serve([testPlugin()], (request) => {
      if (request.method === "PUT" && request.path.endsWith("/config") && reject) {
        reject = false;
        return { status: 400, body: { error: "invalid configuration", details: [{ path: "/url", message: "host is not reachable" }] } };
      }
      return undefined;
    });
    renderPage("/admin/plugins?plugin=notifier-webhook");
    const dialog = await screen.findByRole("dialog", { name: "Webhook 0.1.0" });
    const secret = within(dialog).getByLabelText(/^secret/) as HTMLInputElement;
    expect(secret.type).toBe("password");
    expect(secret.value).toBe("");
    expect(within(dialog).getByText("set")).toBeTruthy();

    fireEvent.change(within(dialog).getByLabelText(/Destination URL/), { target: { value: "https://new.example/hook" } });
    fireEvent.click(within(dialog).getByRole("button", { name: "Save configuration" }));
    expect(await within(dialog).findByText("host is not reachable")).toBeTruthy();

    fireEvent.click(within(dialog).getByRole("button", { name: "Save configuration" }));
    await within(dialog).findByText("Configuration saved");
    const puts = requests.filter((r) => r.method === "PUT");
    expect(puts).toHaveLength(2);
    expect(puts[1]?.body).toEqual({ config: { url: "https://new.example/hook", retries: 2 } });

    fireEvent.change(secret, { target: { value: "n3w-secret" } });
    fireEvent.click(within(dialog).getByRole("button", { name: "Save configuration" }));
    await waitFor(() => expect(requests.filter((r) => r.method === "PUT")).toHaveLength(3));
    expect(requests.filter((r) => r.method === "PUT")[2]?.body).toEqual({ config: { url: "https://new.example/hook", retries: 2, secret: "n3w-secret" } });
  });

  it("sends a test event for a notifier, and offers no uninstall for a built-in plugin", async () => {
    const { requests } = serve([testPlugin(), BUILTIN], (request) =>
      request.path === "/plugins/notifier-webhook/test" ? { status: 200, body: { ok: true, message: "Delivered: HTTP 204" } } : undefined,
    );
    renderPage("/admin/plugins?plugin=notifier-webhook");
    const dialog = await screen.findByRole("dialog", { name: "Webhook 0.1.0" });
    expect(within(dialog).getByRole("button", { name: "Uninstall" })).toBeTruthy();
    fireEvent.click(within(dialog).getByRole("button", { name: "Send test" }));
    expect(await within(dialog).findByText("Delivered: HTTP 204")).toBeTruthy();
    expect(requests.some((r) => r.method === "POST" && r.path === "/plugins/notifier-webhook/test")).toBe(true);
    fireEvent.click(within(dialog).getAllByRole("button", { name: "Close" })[0]!);

    fireEvent.click(await screen.findByRole("button", { name: "Core collector" }));
    const builtin = await screen.findByRole("dialog", { name: "Core collector 0.1.0" });
    expect(within(builtin).queryByRole("button", { name: "Uninstall" })).toBeNull();
    expect(within(builtin).queryByRole("button", { name: "Send test" })).toBeNull();
    expect(within(builtin).getByText("This plugin has no settings.")).toBeTruthy();
  });

  it("uploads a .pmplugin file as the raw body and opens the new plugin for review", async () => {
    const fresh = testPlugin({ id: "notifier-ntfy", name: "ntfy", granted_capabilities: [] });
    const { requests } = serve([], (request) => (request.method === "POST" && request.path === "/plugins" ? { status: 201, body: fresh } : undefined));
    renderPage();
    await screen.findByText("No plugins installed");
    fireEvent.click(screen.getByRole("button", { name: /Install plugin/ }));
    const file = new File([new Uint8Array([0x1f, 0x8b])], "notifier-ntfy.pmplugin", { type: "" });
    fireEvent.change(screen.getByLabelText("Plugin package"), { target: { files: [file] } });
    fireEvent.click(screen.getByRole("button", { name: "Install" }));
    expect(await screen.findByRole("dialog", { name: "ntfy 0.1.0" })).toBeTruthy();
    expect(screen.getByText(/installed\. It is disabled/)).toBeTruthy();
    const upload = requests.find((r) => r.method === "POST" && r.path === "/plugins");
    expect(upload?.body).toBe(file);
    expect(upload?.headers["Content-Type"]).toBe("application/octet-stream");
  });
});
