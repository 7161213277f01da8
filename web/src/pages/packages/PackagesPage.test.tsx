import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { MemoryRouter } from "react-router-dom";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { PackageListItem } from "../../api/types";
import { installFakeServer } from "../../test/fakeServer";
import PackagesPage from "./PackagesPage";

afterEach(() => vi.unstubAllGlobals());

function pkg(name: string, installs: number, updates: number, security: number): PackageListItem {
  return {
    id: `id-${name}`,
    name,
    description: `${name} library`,
    category: null,
    latest_version: "2.0",
    packageHostsCount: installs,
    stats: { totalInstalls: installs, updatesNeeded: updates, securityUpdates: security },
    sourceRepos: [{ repoId: "r1", repoName: "bookworm", repoUrl: "https://deb.debian.org/debian", repoType: "deb" }],
  };
}

const ALL = [pkg("bash", 3, 0, 0), pkg("curl", 1, 1, 0), pkg("openssl", 2, 2, 2)];

describe("packages page", () => {
  it("shows hosts affected as N/M with the status, and switches tabs through the server's filters", async () => {
    const { requests } = installFakeServer((request) => {
      if (!request.path.startsWith("/packages?")) return undefined;
      const query = new URLSearchParams(request.path.split("?")[1]);
      let rows = ALL;
      if (query.get("needsUpdate") === "true") rows = rows.filter((row) => row.stats.updatesNeeded > 0);
      if (query.get("isSecurityUpdate") === "true") rows = rows.filter((row) => row.stats.securityUpdates > 0);
      const limit = Number(query.get("limit"));
      const body = { packages: rows.slice(0, limit), totalInstalls: rows.reduce((sum, row) => sum + row.stats.totalInstalls, 0), pagination: { page: 1, limit, total: rows.length, pages: 1 } };
      return { status: 200, body };
    });
    render(
      <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
        <MemoryRouter initialEntries={["/packages"]}>
          <PackagesPage />
        </MemoryRouter>
      </QueryClientProvider>,
    );
    const table = await screen.findByRole("table", { name: "Packages" });
    const row = (name: string) => within(table).getByRole("link", { name }).closest("tr") as HTMLElement;
    expect(row("openssl").textContent).toContain("2/2");
    expect(row("openssl").textContent).toContain("Security update");
    expect(row("curl").textContent).toContain("1/1");
    expect(row("curl").textContent).toContain("Update available");
    expect(row("bash").textContent).toContain("0/3");
    expect(row("bash").textContent).toContain("Up to date");

    const card = (label: string) => screen.getByText(label, { selector: ".stat-label" }).previousElementSibling?.textContent;
    await waitFor(() => expect(card("Outdated packages")).toBe("2"));
    expect(card("Security packages")).toBe("1");
    expect(card("Packages")).toBe("3");
    expect(card("Installations")).toBe("6");

    fireEvent.click(screen.getByRole("tab", { name: "Security" }));
    await waitFor(() => expect(within(screen.getByRole("table", { name: "Packages" })).getAllByRole("row")).toHaveLength(2));
    expect(requests.at(-1)?.path).toContain("isSecurityUpdate=true");
  });
});
