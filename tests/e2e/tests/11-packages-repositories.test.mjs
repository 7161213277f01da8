// Packages and repositories: three hosts send recorded agent reports, then the host list, the
// packages pages, the repositories pages and the dashboard cards must show what the API counts.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, test } from "node:test";
import { ADMIN } from "../lib/accounts.mjs";
import { apiLogin, apiOk, BASE_URL, launchBrowser, openSession, pageHeading, ProblemLog, screenshot, settled, uniqueSuffix } from "../lib/harness.mjs";
import { openPage } from "../lib/ui.mjs";

const REPORTS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "fixtures", "reports");
const problems = new ProblemLog();
const suffix = uniqueSuffix();
/** fixture name → { id, name } of the host that sent it. */
const hosts = {};
let browser;
let session;

function recordedReport(name) {
  return JSON.parse(readFileSync(path.join(REPORTS_DIR, `${name}.json`), "utf8"));
}

/** Sends a report the way the agent does: its own credentials, no browser session. */
async function sendReport(credentials, report) {
  const response = await fetch(`${BASE_URL}/api/v1/hosts/update`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-API-ID": credentials.apiId, "X-API-KEY": credentials.apiKey },
    body: JSON.stringify(report),
  });
  assert.equal(response.status, 200, `report rejected: ${await response.text()}`);
}

before(async () => {
  browser = await launchBrowser();
  session = await openSession(browser, problems);
  await apiLogin(session.context, ADMIN);
  for (const name of ["web-1", "web-2", "db-1"]) {
    const friendlyName = `pkg-${name}-${suffix}`;
    const created = await apiOk(session.context, "POST", "/hosts/create", { friendly_name: friendlyName });
    await sendReport(created, recordedReport(name));
    hosts[name] = { id: created.hostId, name: friendlyName };
  }
});
after(async () => browser?.close());

const api = (apiPath) => apiOk(session.context, "GET", apiPath);

/** The number on the stat card labelled `label` inside `scope`. */
async function cardValue(scope, label) {
  const card = scope.locator(".stat-card").filter({ has: scope.page().locator(".stat-label", { hasText: new RegExp(`^${label}$`) }) });
  const value = card.locator(".stat-value");
  await value.filter({ hasText: /^\d+$/ }).waitFor();
  return Number(await value.textContent());
}

function packageRow(page, name) {
  return page.getByRole("table", { name: "Packages" }).getByRole("row").filter({ has: page.getByRole("link", { name, exact: true }) });
}

async function bodyRowCount(page, tableName) {
  return (await page.getByRole("table", { name: tableName }).locator("tbody tr").count());
}

test("the reporting hosts show their update counts in the host list and on the host page", async () => {
  const { page } = session;
  await openPage(page, "/hosts");
  const row = page.getByRole("row").filter({ hasText: hosts["web-1"].name });
  await row.waitFor();
  // web-1 reports openssl and libssl3 (security) and curl (regular) as upgradable.
  assert.match(await row.textContent(), /3\s*2 security/);
  assert.match(await row.textContent(), /Reboot/);

  await openPage(page, `/hosts/${hosts["web-1"].id}?tab=packages`);
  await settled(page);
  const count = page.locator("main .toolbar .muted").filter({ hasText: /package\(s\)/ });
  await count.filter({ hasText: /^3 package/ }).waitFor();
  await page.getByLabel("Package filter").selectOption("all");
  await count.filter({ hasText: /^6 package/ }).waitFor();
  await screenshot(page, "11-host-packages");
});

test("the packages page counts what the API counts, with hosts affected as N/M", async () => {
  const { page } = session;
  await openPage(page, "/packages");
  await settled(page);
  const all = await api("/packages?limit=50");
  const outdated = await api("/packages?limit=1&needsUpdate=true");
  const security = await api("/packages?limit=1&isSecurityUpdate=true");
  const main = page.locator("main");
  assert.equal(await cardValue(main, "Packages"), all.pagination.total);
  assert.equal(await cardValue(main, "Installations"), all.totalInstalls);
  assert.equal(await cardValue(main, "Outdated packages"), outdated.pagination.total);
  assert.equal(await cardValue(main, "Security packages"), security.pagination.total);
  // What the recorded reports contain.
  assert.deepEqual([all.pagination.total, all.totalInstalls, outdated.pagination.total, security.pagination.total], [7, 15, 5, 3]);
  assert.equal(await bodyRowCount(page, "Packages"), 7);

  const expected = { openssl: ["2/3", "Security update"], libssl3: ["2/2", "Security update"], bash: ["1/3", "Update available"], curl: ["1/1", "Update available"], zlib1g: ["0/3", "Up to date"] };
  for (const [name, [affected, status]] of Object.entries(expected)) {
    const row = packageRow(page, name);
    assert.equal((await row.getByTestId("hosts-affected").textContent()).trim(), affected, `${name} hosts affected`);
    assert.match(await row.textContent(), new RegExp(status), `${name} status`);
  }
  await screenshot(page, "11-packages");

  await page.getByRole("tab", { name: "Security" }).click();
  await page.waitForURL((url) => url.searchParams.get("filter") === "security");
  await page.waitForFunction(() => document.querySelectorAll('table[aria-label="Packages"] tbody tr').length === 3);
  assert.deepEqual((await page.getByRole("table", { name: "Packages" }).locator("tbody tr td:first-child a").allTextContents()).sort(), ["libssl3", "openssl", "postgresql-16"]);
  await screenshot(page, "11-packages-security");

  await page.getByRole("tab", { name: "All packages" }).click();
  await page.getByLabel("Search packages").fill("ssl");
  await page.waitForURL((url) => url.searchParams.get("search") === "ssl");
  await page.waitForFunction(() => document.querySelectorAll('table[aria-label="Packages"] tbody tr').length === 2);
});

test("a host's packages are one link away: /packages?host= lists only that host's", async () => {
  const { page } = session;
  await openPage(page, `/packages?host=${hosts["web-2"].id}`);
  await page.locator(".filter-pill").filter({ hasText: hosts["web-2"].name }).waitFor();
  await page.waitForFunction(() => document.querySelectorAll('table[aria-label="Packages"] tbody tr').length === 5);
  assert.equal(await cardValue(page.locator("main"), "Packages"), (await api(`/packages?limit=1&host=${hosts["web-2"].id}`)).pagination.total);
  await page.getByRole("button", { name: "Clear host filter" }).click();
  await page.waitForFunction(() => document.querySelectorAll('table[aria-label="Packages"] tbody tr').length === 7);
});

test("the package page lists the hosts that have it, with installed and available versions", async () => {
  const { page } = session;
  await openPage(page, "/packages");
  await packageRow(page, "openssl").getByRole("link", { name: "openssl", exact: true }).click();
  await page.waitForURL(/\/packages\/[^/]+$/);
  assert.match(await pageHeading(page), /openssl/);
  const main = page.locator("main");
  assert.equal(await cardValue(main, "Hosts with package"), 3);
  assert.equal(await cardValue(main, "Updates needed"), 2);
  assert.equal(await cardValue(main, "Security updates"), 2);
  assert.equal(await cardValue(main, "Up to date"), 1);

  const table = page.getByRole("table", { name: "Hosts with this package" });
  const web1 = table.getByRole("row").filter({ hasText: hosts["web-1"].name });
  assert.match(await web1.textContent(), /3\.0\.11-1~deb12u2\s*3\.0\.13-1~deb12u1\s*Security update/);
  const db1 = table.getByRole("row").filter({ hasText: hosts["db-1"].name });
  assert.match(await db1.textContent(), /3\.0\.13-0ubuntu3\.1\s*—\s*Up to date/);
  assert.equal(await bodyRowCount(page, "Hosts with this package"), 3);
  await screenshot(page, "11-package-detail");

  await page.getByLabel("Only hosts needing an update").check();
  await page.waitForFunction(() => document.querySelectorAll('table[aria-label="Hosts with this package"] tbody tr').length === 2);
  await table.getByRole("link", { name: hosts["web-2"].name }).click();
  await page.waitForURL(`**/hosts/${hosts["web-2"].id}`);
  assert.match(await pageHeading(page), new RegExp(hosts["web-2"].name));
});

test("the repositories page shows the security score and the counts the API gives", async () => {
  const { page } = session;
  await openPage(page, "/repositories");
  await settled(page);
  const summary = await api("/repositories/stats/summary");
  const main = page.locator("main");
  assert.equal(await cardValue(main, "Total repositories"), summary.totalRepositories);
  assert.equal(await cardValue(main, "Active repositories"), summary.activeRepositories);
  assert.equal(await cardValue(main, "Secure \\(HTTPS\\)"), summary.secureRepositories);
  // Two of the four reported repositories are served over HTTPS.
  assert.deepEqual([summary.totalRepositories, summary.secureRepositories, summary.securityPercentage], [4, 2, 50]);
  await page.getByRole("img", { name: `Security score: ${summary.securityPercentage}%` }).waitFor();
  assert.equal(await bodyRowCount(page, "Repositories"), summary.totalRepositories);
  await screenshot(page, "11-repositories");

  await page.getByLabel("Security", { exact: true }).selectOption("insecure");
  const insecure = await api("/repositories?type=insecure&limit=50");
  await page.waitForFunction((n) => document.querySelectorAll('table[aria-label="Repositories"] tbody tr').length === n, insecure.total);
  assert.equal(insecure.total, 2);
  await page.getByRole("table", { name: "Repositories" }).getByRole("link", { name: "local-mirror" }).click();
  await page.waitForURL(/\/repositories\/[^/]+$/);
  assert.equal(await pageHeading(page), "local-mirror");
  await page.locator("main").getByText("Insecure (HTTP)").waitFor();
  const users = page.getByRole("table", { name: "Hosts using this repository" });
  await users.getByRole("link", { name: hosts["web-1"].name }).waitFor();
  assert.equal(await bodyRowCount(page, "Hosts using this repository"), 1);
  await screenshot(page, "11-repository-detail");
});

test("editing a repository's record changes its name and description", async () => {
  const { page } = session;
  await page.locator("main .page-header").getByRole("button", { name: "Edit" }).click();
  const form = page.getByRole("dialog", { name: "Edit repository" });
  await form.getByLabel("Name").fill("local-mirror (approved)");
  await form.getByLabel("Description").fill("Intranet mirror; packages are GPG-signed");
  await form.getByRole("button", { name: "Save" }).click();
  await form.waitFor({ state: "detached" });
  await page.locator("main h1").filter({ hasText: "local-mirror (approved)" }).waitFor();
  const id = new URL(page.url()).pathname.split("/").pop();
  const stored = await api(`/repositories/${id}`);
  assert.deepEqual([stored.name, stored.description], ["local-mirror (approved)", "Intranet mirror; packages are GPG-signed"]);
});

test("the dashboard's cards show /dashboard/stats, and its package cards open the packages page", async () => {
  const { page } = session;
  await openPage(page, "/");
  await settled(page);
  const stats = await api("/dashboard/stats");
  const keys = {
    "Total hosts": "totalHosts",
    "Up to date": "upToDateHosts",
    "Needs updating": "hostsNeedingUpdates",
    "Needs reboot": "hostsNeedingReboot",
    Offline: "offlineHosts",
    "Not reporting": "erroredHosts",
    "Outdated packages": "totalOutdatedPackages",
    "Security updates": "securityUpdates",
    "Host groups": "totalHostGroups",
  };
  const labels = await page.locator("main .stat-card .stat-label").allTextContents();
  assert.ok(labels.includes("Outdated packages") && labels.includes("Security updates"), `cards: ${labels.join(", ")}`);
  for (const label of labels) {
    assert.ok(label in keys, `unknown card ${label}`);
    assert.equal(await cardValue(page.locator("main"), label), stats.cards[keys[label]], `${label} card`);
  }
  // The reports make every reporting host need updates, and web-1 need a reboot.
  assert.equal(stats.cards.totalOutdatedPackages, 5);
  assert.equal(stats.cards.securityUpdates, 3);
  assert.ok(stats.cards.hostsNeedingUpdates >= 3 && stats.cards.hostsNeedingReboot >= 1);
  await screenshot(page, "11-dashboard-with-reports");

  await page.locator("main .stat-card").filter({ hasText: "Outdated packages" }).click();
  await page.waitForURL((url) => url.pathname === "/packages" && url.searchParams.get("filter") === "outdated");
  await page.getByRole("tab", { name: "Needs update", selected: true }).waitFor();
  assert.equal(await cardValue(page.locator("main"), "Outdated packages"), stats.cards.totalOutdatedPackages);
  await page.waitForFunction((n) => document.querySelectorAll('table[aria-label="Packages"] tbody tr').length === n, stats.cards.totalOutdatedPackages);
});

test("no browser problems", () => problems.assertClean());
