// The user's saved views and the add-host flow's last step: host list columns (hidden, reordered,
// kept across reloads in /user/preferences), the dashboard's stat and chart columns per row, and
// the "waiting for connection" screen following a new host's agent from install to first report.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, test } from "node:test";
import { ADMIN } from "../lib/accounts.mjs";
import { apiLogin, apiOk, BASE_URL, launchBrowser, openSession, PHONE_VIEWPORT, ProblemLog, screenshot, settled, uniqueSuffix } from "../lib/harness.mjs";
import { dialog, openPage } from "../lib/ui.mjs";

const REPORTS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "fixtures", "reports");
const DEFAULT_HEADERS = ["Friendly Name", "OS", "Group", "Updates", "Status", "Last Update", "IP Address"];
const problems = new ProblemLog();
const suffix = uniqueSuffix();
let browser;
let session;

before(async () => {
  browser = await launchBrowser();
  session = await openSession(browser, problems);
  await session.context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await apiLogin(session.context, ADMIN);
  await apiOk(session.context, "POST", "/hosts/create", { friendly_name: `columns-${suffix}` });
});
after(async () => browser?.close());

/** The host list's column headers, without the selection checkbox and sort arrows. */
async function columnHeaders(page) {
  const table = page.getByRole("table", { name: "Hosts" });
  await table.waitFor();
  const texts = await table.getByRole("columnheader").allTextContents();
  return texts.map((text) => text.replace(/[▲▼]/g, "").trim()).filter(Boolean);
}

/** How many columns a grid has, as laid out by the browser. */
function gridColumnCount(page, selector) {
  return page.locator(selector).evaluate((grid) => getComputedStyle(grid).gridTemplateColumns.split(" ").filter(Boolean).length);
}

/** Sends agent traffic with the host's own credentials, no browser session. */
async function asAgent(credentials, apiPath, body) {
  const response = await fetch(`${BASE_URL}/api/v1${apiPath}`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-API-ID": credentials.apiId, "X-API-KEY": credentials.apiKey },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  assert.equal(response.status, 200, `${apiPath} rejected: ${await response.text()}`);
}

test("a hidden and moved host column stays that way after a reload, saved in the user's preferences", async () => {
  const { page, context } = session;
  await openPage(page, "/hosts");
  assert.deepEqual(await columnHeaders(page), DEFAULT_HEADERS);

  await page.locator("main .page-header").getByRole("button", { name: "Columns" }).click();
  const chooser = dialog(page, "Columns");
  assert.equal(await chooser.getByRole("checkbox", { name: "Show Friendly Name" }).isDisabled(), true, "the name column cannot be hidden");
  await chooser.getByRole("checkbox", { name: "Show OS", exact: true }).uncheck();
  for (let step = 0; step < 3; step += 1) await chooser.getByRole("button", { name: "Move Status up" }).click();
  await screenshot(page, "14-host-columns-chooser");
  await chooser.getByRole("button", { name: "Save columns" }).click();
  await chooser.waitFor({ state: "detached" });

  const arranged = ["Friendly Name", "Status", "Group", "Updates", "Last Update", "IP Address"];
  assert.deepEqual(await columnHeaders(page), arranged);
  await page.reload();
  assert.deepEqual(await columnHeaders(page), arranged);
  await screenshot(page, "14-host-columns-arranged");

  const saved = (await apiOk(context, "GET", "/user/preferences")).hosts_column_config;
  const entry = (id) => saved.find((column) => column.id === id);
  assert.equal(entry("os").visible, false);
  assert.equal(entry("host").visible, true);
  assert.ok(entry("status").order < entry("group").order, JSON.stringify(saved));
});

test("sorting works on the arranged columns, and reset brings back the default columns", async () => {
  const { page, context } = session;
  const table = page.getByRole("table", { name: "Hosts" });
  await table.getByRole("button", { name: /^Friendly Name/ }).click();
  await page.waitForURL((url) => url.searchParams.get("sort") === "friendly_name" && url.searchParams.get("order") === "asc");
  await table.locator('[role="columnheader"][aria-sort="ascending"]').filter({ hasText: "Friendly Name" }).waitFor();
  await table.getByRole("button", { name: /^Status/ }).click();
  await page.waitForURL((url) => url.searchParams.get("sort") === "status");
  await table.locator('[role="columnheader"][aria-sort]').filter({ hasText: "Status" }).waitFor();

  await page.locator("main .page-header").getByRole("button", { name: "Columns" }).click();
  const chooser = dialog(page, "Columns");
  await chooser.getByRole("button", { name: "Reset to default" }).click();
  await chooser.getByRole("button", { name: "Save columns" }).click();
  await chooser.waitFor({ state: "detached" });
  assert.deepEqual(await columnHeaders(page), DEFAULT_HEADERS);
  const saved = (await apiOk(context, "GET", "/user/preferences")).hosts_column_config;
  assert.equal(saved.find((column) => column.id === "os").visible, true);
});

test("the dashboard shows the chosen number of stat cards and charts per row, after a reload too", async () => {
  const { page, context } = session;
  await openPage(page, "/");
  await settled(page);
  await page.locator("main .page-header").getByRole("button", { name: "Customise" }).click();
  const customise = dialog(page, "Customise dashboard");
  await customise.getByLabel("Stat cards per row").selectOption("3");
  await customise.getByLabel("Charts per row").selectOption("2");
  await customise.getByRole("button", { name: "Save layout" }).click();
  await customise.waitFor({ state: "detached" });

  for (const reload of [false, true]) {
    if (reload) await page.reload();
    await settled(page);
    assert.equal(await gridColumnCount(page, "main .grid-cards"), 3, `stat cards per row${reload ? " after a reload" : ""}`);
    assert.equal(await gridColumnCount(page, "main .grid-charts"), 2, `charts per row${reload ? " after a reload" : ""}`);
  }
  assert.deepEqual(await apiOk(context, "GET", "/dashboard-preferences/layout"), { stats_columns: 3, charts_columns: 2 });
  await screenshot(page, "14-dashboard-3-stats-2-charts");

  const phone = await openSession(browser, problems, { viewport: PHONE_VIEWPORT });
  await apiLogin(phone.context, ADMIN);
  await openPage(phone.page, "/");
  await settled(phone.page);
  assert.ok((await gridColumnCount(phone.page, "main .grid-cards")) <= 2, "stat cards collapse on a phone");
  assert.equal(await gridColumnCount(phone.page, "main .grid-charts"), 1, "charts stack on a phone");
  const { scrollWidth, innerWidth } = await phone.page.evaluate(() => ({ scrollWidth: document.scrollingElement.scrollWidth, innerWidth: window.innerWidth }));
  assert.ok(scrollWidth <= innerWidth, `dashboard ${scrollWidth}px wide on a ${innerWidth}px screen`);
  await screenshot(phone.page, "14-dashboard-phone");
  await phone.context.close();

  await apiOk(context, "PUT", "/dashboard-preferences/layout", { stats_columns: 6, charts_columns: 4 });
  await page.reload();
  await settled(page);
  assert.equal(await gridColumnCount(page, "main .grid-cards"), 6, "the default layout has six stat cards per row");
});

test("after the install command is copied, the wizard follows the agent from waiting to its first report", async () => {
  const { page } = session;
  const hostName = `onboard-${suffix}`;
  await openPage(page, "/hosts");
  await page.locator("main").getByRole("button", { name: "Add host" }).click();
  const wizard = dialog(page, "Add host");
  await wizard.locator("#host-friendly-name").fill(hostName);
  const answer = page.waitForResponse((response) => response.url().endsWith("/api/v1/hosts/create"));
  await wizard.getByRole("button", { name: "Create host" }).click();
  const created = await (await answer).json();

  await dialog(page, `Install the agent on ${hostName}`).getByRole("button", { name: "Copy command" }).click();
  const waiting = dialog(page, `Connecting ${hostName}`);
  const currentStage = waiting.locator('[aria-current="step"]');
  await currentStage.filter({ hasText: "Waiting for connection" }).waitFor();
  assert.match(await page.evaluate(() => navigator.clipboard.readText()), new RegExp(`X-API-KEY: ${created.apiKey}`));
  await waiting.getByText("The agent does not show up?").click();
  await waiting.getByText("sudo patchmon-agent ping").waitFor();
  await screenshot(page, "14-waiting-for-connection");

  await waiting.getByRole("button", { name: "View command again" }).click();
  const install = dialog(page, `Install the agent on ${hostName}`);
  assert.deepEqual(await install.locator(".copy-field-value").allTextContents(), [created.apiId, created.apiKey]);
  await install.getByRole("button", { name: "Wait for the agent" }).click();
  await currentStage.filter({ hasText: "Waiting for connection" }).waitFor();

  // The agent checks in first: the host leaves "pending" before its inventory arrives.
  await asAgent(created, "/hosts/ping");
  await currentStage.filter({ hasText: "Receiving initial report" }).waitFor();
  await screenshot(page, "14-receiving-initial-report");

  const report = JSON.parse(readFileSync(path.join(REPORTS_DIR, "web-1.json"), "utf8"));
  await asAgent(created, "/hosts/update", { ...report, hostname: `${hostName}.e2e.example`, machineId: `e2e-machine-${hostName}` });
  await currentStage.filter({ hasText: "Done" }).waitFor();
  assert.equal(await waiting.locator(".connection-stage-finished").count(), 4, "every stage is ticked");
  await page.waitForURL((url) => url.pathname === `/hosts/${created.hostId}`);
  await waiting.waitFor({ state: "detached" });
  await page.locator("main h1").filter({ hasText: hostName }).waitFor();
});

test("no browser problems", () => problems.assertClean());
