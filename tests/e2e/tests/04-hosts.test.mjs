// Hosts: the add-host wizard, the host page's actions, and bulk actions on the list.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { ADMIN } from "../lib/accounts.mjs";
import { apiLogin, apiOk, launchBrowser, openSession, pageHeading, ProblemLog, screenshot, uniqueSuffix } from "../lib/harness.mjs";
import { dialog, openPage } from "../lib/ui.mjs";

const problems = new ProblemLog();
const suffix = uniqueSuffix();
const hostName = `web-${suffix}`;
let browser;
let session;
let groupA;
let groupB;
let created;

before(async () => {
  browser = await launchBrowser();
  session = await openSession(browser, problems);
  await session.context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await apiLogin(session.context, ADMIN);
  groupA = await apiOk(session.context, "POST", "/host-groups", { name: `alpha-${suffix}`, color: "#3b82f6" });
  groupB = await apiOk(session.context, "POST", "/host-groups", { name: `beta-${suffix}`, color: "#ef4444" });
});
after(async () => browser?.close());

async function hostsFromApi() {
  const answer = await apiOk(session.context, "GET", "/hosts/admin/list?pageSize=500");
  return { hosts: answer.data, total: answer.pagination.total };
}

/** Whether the server's OpenAPI document lists `method path` (parameters written as `{}`). */
async function serverHas(method, path) {
  const spec = await apiOk(session.context, "GET", "/openapi.json");
  return Object.entries(spec.paths).some(
    ([candidate, operations]) => candidate.replace(/\{[^}]*\}/g, "{}") === path && method.toLowerCase() in operations,
  );
}

async function hostFromApi(id) {
  return apiOk(session.context, "GET", `/hosts/${id}`);
}

/** The "N host(s)" figure in the host list's header. */
async function shownHostCount(page) {
  const label = page.locator(".page-header .muted").filter({ hasText: /host\(s\)/ });
  await label.waitFor();
  return Number((await label.textContent()).match(/(\d+) host/)[1]);
}

test("the add-host wizard creates a host and shows its credentials and install command once", async () => {
  const { page } = session;
  await openPage(page, "/hosts");
  await page.locator("main").getByRole("button", { name: "Add host" }).click();
  const wizard = dialog(page, "Add host");
  await wizard.locator("#host-friendly-name").fill(hostName);
  await wizard.getByRole("checkbox", { name: groupA.name }).check();
  await wizard.getByRole("checkbox", { name: /Docker integration/ }).check();
  const answer = page.waitForResponse((response) => response.url().endsWith("/api/v1/hosts/create"));
  await wizard.getByRole("button", { name: "Create host" }).click();
  created = await (await answer).json();

  const install = dialog(page, `Install the agent on ${hostName}`);
  await install.waitFor();
  const values = await install.locator(".copy-field-value").allTextContents();
  assert.deepEqual(values, [created.apiId, created.apiKey]);
  const command = (await install.locator("code.command").textContent()).trim();
  const { server_url: serverUrl } = await apiOk(session.context, "GET", "/settings/server-url");
  assert.ok(command.startsWith(`curl -s ${serverUrl.replace(/\/+$/, "")}/api/v1/hosts/install`), command);
  assert.ok(command.includes(`X-API-ID: ${created.apiId}`) && command.includes(`X-API-KEY: ${created.apiKey}`), command);
  await screenshot(page, "04-add-host-credentials");

  // Copying moves on to waiting for the agent (14-columns-layout-onboarding follows it to the end); the command is still there.
  await install.getByRole("button", { name: "Copy command" }).click();
  await dialog(page, `Connecting ${hostName}`).getByRole("button", { name: "View command again" }).click();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), command);
  assert.equal((await install.locator("code.command").textContent()).trim(), command);

  const host = await hostFromApi(created.hostId);
  assert.equal(host.friendly_name, hostName);
  assert.equal(host.docker_enabled, true);
  assert.equal(host.compliance_enabled, false);
  assert.deepEqual(host.host_group_memberships.map((group) => group.id), [groupA.id]);
});

test("the new host is in the list, and the list's count matches the API", async () => {
  const { page } = session;
  await dialog(page, `Install the agent on ${hostName}`).getByRole("button", { name: "Done" }).click();
  const row = page.getByRole("row").filter({ hasText: hostName });
  await row.waitFor();
  assert.match(await row.textContent(), new RegExp(groupA.name));
  assert.equal(await shownHostCount(page), (await hostsFromApi()).total);
  await screenshot(page, "04-hosts-list");
});

test("without dashboard statistics, the dashboard's host count matches the API", async (t) => {
  if (await serverHas("GET", "/api/v1/dashboard/stats")) {
    t.diagnostic("this server has /dashboard/stats; the summary cards are not shown");
    return;
  }
  const { page } = session;
  await openPage(page, "/");
  const hostsCard = page.locator("main .stat-card").filter({ hasText: "Hosts" });
  await hostsCard.locator(".stat-value").filter({ hasText: /^\d+$/ }).waitFor();
  assert.equal(Number(await hostsCard.locator(".stat-value").textContent()), (await hostsFromApi()).total);
  await page.goto("/hosts");
});

test("the host page shows the host, and its API key is not shown again", async () => {
  const { page } = session;
  await page.getByRole("row").filter({ hasText: hostName }).getByRole("link", { name: hostName }).click();
  await page.waitForURL(`**/hosts/${created.hostId}`);
  assert.match(await pageHeading(page), new RegExp(hostName));
  const overview = page.locator("main .card").last();
  assert.match(await overview.textContent(), new RegExp(created.apiId));
  assert.match(await overview.textContent(), new RegExp(groupA.name));
  assert.ok(!(await page.content()).includes(created.apiKey), "the API key is not on the host page");
  await screenshot(page, "04-host-detail");
});

test("every tab of the host page shows content or a clean 'not available' state", async () => {
  const { page } = session;
  const tabs = await page.getByRole("tab").allTextContents();
  assert.ok(tabs.length >= 5, `tabs: ${tabs.join(", ")}`);
  for (const name of tabs) {
    await page.getByRole("tab", { name }).click();
    await page.waitForLoadState("networkidle");
    assert.equal(await page.locator("main .state-error").count(), 0, `the ${name} tab shows no error`);
    // Network idle can come a frame before React renders the answer.
    await page.locator("main .state-loading").first().waitFor({ state: "detached", timeout: 5000 }).catch(() => {});
    assert.equal(await page.locator("main .state-loading").count(), 0, `the ${name} tab has finished loading`);
  }
  if (!(await serverHas("GET", "/api/v1/dashboard/hosts/{}"))) {
    await page.getByRole("tab", { name: "Packages" }).click();
    await page.locator("main .state-empty").filter({ hasText: "not available" }).waitFor();
  }
  await page.getByRole("tab", { name: "Overview" }).click();
});

test("renaming the host updates the heading and the API", async () => {
  const { page } = session;
  const newName = `${hostName}-renamed`;
  await page.locator("main .page-header").getByRole("button", { name: "Rename" }).click();
  const form = dialog(page, "Rename host");
  await form.locator("#rename-host").fill(newName);
  await form.getByRole("button", { name: "Save" }).click();
  await form.waitFor({ state: "detached" });
  await page.locator("main h1").filter({ hasText: newName }).waitFor();
  assert.equal((await hostFromApi(created.hostId)).friendly_name, newName);
});

test("notes are saved from the notes tab", async () => {
  const { page } = session;
  await page.getByRole("tab", { name: "Notes" }).click();
  await page.fill("#host-notes", "Owner: platform team\nPatch window: Sunday");
  await page.getByRole("button", { name: "Save notes" }).click();
  await page.locator(".notice-success").filter({ hasText: "Notes saved" }).waitFor();
  assert.equal((await hostFromApi(created.hostId)).notes, "Owner: platform team\nPatch window: Sunday");
  await page.reload();
  assert.equal(await page.inputValue("#host-notes"), "Owner: platform team\nPatch window: Sunday");
});

test("changing the host's groups replaces them", async () => {
  const { page } = session;
  await page.locator("main .page-header").getByRole("button", { name: "Groups" }).click();
  const form = dialog(page, "Host groups");
  await form.getByRole("checkbox", { name: groupA.name }).uncheck();
  await form.getByRole("checkbox", { name: groupB.name }).check();
  await form.getByRole("button", { name: "Save" }).click();
  await form.waitFor({ state: "detached" });
  assert.deepEqual((await hostFromApi(created.hostId)).host_group_memberships.map((group) => group.id), [groupB.id]);
});

test("regenerating credentials shows new ones once and the old API ID stops being the host's", async () => {
  const { page } = session;
  await page.locator("main .page-header").getByRole("button", { name: "Regenerate credentials" }).click();
  const answer = page.waitForResponse((response) => response.url().endsWith(`/hosts/${created.hostId}/regenerate-credentials`));
  await dialog(page, "Regenerate credentials").getByRole("button", { name: "Regenerate" }).click();
  const fresh = await (await answer).json();
  const shown = dialog(page, "New credentials");
  await shown.waitFor();
  assert.deepEqual(await shown.locator(".copy-field-value").allTextContents(), [fresh.apiId, fresh.apiKey]);
  assert.notEqual(fresh.apiId, created.apiId);
  assert.notEqual(fresh.apiKey, created.apiKey);
  assert.match(await shown.locator("code.command").textContent(), new RegExp(fresh.apiKey));
  await screenshot(page, "04-host-new-credentials");
  await shown.getByRole("button", { name: "Close" }).click();
  await shown.waitFor({ state: "detached" });
  assert.equal((await hostFromApi(created.hostId)).api_id, fresh.apiId);
  assert.ok(!(await page.content()).includes(fresh.apiKey), "the new key is gone once the dialog is closed");
});

test("deleting the host returns to the list and removes it", async () => {
  const { page } = session;
  await page.locator("main .page-header").getByRole("button", { name: "Delete" }).click();
  await dialog(page, "Delete host").getByRole("button", { name: "Delete host" }).click();
  await page.waitForURL((url) => url.pathname === "/hosts");
  const { hosts, total } = await hostsFromApi();
  assert.ok(!hosts.some((host) => host.id === created.hostId));
  assert.equal(await shownHostCount(page), total);
});

test("bulk: assign a group to several hosts, then delete some of them", async () => {
  const { page, context } = session;
  const names = ["bulk-a", "bulk-b", "bulk-c"].map((name) => `${name}-${suffix}`);
  const ids = [];
  for (const name of names) ids.push((await apiOk(context, "POST", "/hosts/create", { friendly_name: name })).hostId);
  await openPage(page, "/hosts");
  assert.equal(await shownHostCount(page), (await hostsFromApi()).total);

  for (const name of names) await page.getByRole("checkbox", { name: `Select ${name}` }).check();
  const bar = page.getByRole("region", { name: "Bulk actions" });
  await bar.getByText("3 selected").waitFor();
  await bar.getByRole("button", { name: "Assign groups" }).click();
  const form = dialog(page, "Assign groups to 3 host(s)");
  await form.getByRole("checkbox", { name: groupB.name }).check();
  await form.getByRole("button", { name: "Save" }).click();
  await form.waitFor({ state: "detached" });
  for (const id of ids) assert.deepEqual((await hostFromApi(id)).host_group_memberships.map((group) => group.id), [groupB.id]);
  for (const name of names) await page.getByRole("row").filter({ hasText: name }).filter({ hasText: groupB.name }).waitFor();
  await screenshot(page, "04-hosts-bulk-grouped");

  const before = (await hostsFromApi()).total;
  for (const name of names.slice(0, 2)) await page.getByRole("checkbox", { name: `Select ${name}` }).check();
  await bar.getByText("2 selected").waitFor();
  await bar.getByRole("button", { name: "Delete" }).click();
  await dialog(page, "Delete hosts").getByRole("button", { name: "Delete" }).click();
  await page.getByRole("row").filter({ hasText: names[0] }).waitFor({ state: "detached" });
  const { hosts, total } = await hostsFromApi();
  assert.equal(total, before - 2);
  assert.deepEqual(hosts.filter((host) => ids.includes(host.id)).map((host) => host.id), [ids[2]]);
  await page.waitForFunction((expected) => document.querySelector(".page-header .muted")?.textContent?.startsWith(`${expected} host`), total);
});

test("no browser problems", () => problems.assertClean());
