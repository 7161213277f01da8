// Host groups: create, edit, refuse to delete a group with hosts, delete an empty group.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { ADMIN } from "../lib/accounts.mjs";
import { apiLogin, apiOk, launchBrowser, openSession, ProblemLog, screenshot, uniqueSuffix } from "../lib/harness.mjs";
import { dialog, openPage } from "../lib/ui.mjs";

const problems = new ProblemLog();
const suffix = uniqueSuffix();
const groupName = `prod-${suffix}`;
const renamed = `production-${suffix}`;
let browser;
let session;

before(async () => {
  browser = await launchBrowser();
  session = await openSession(browser, problems);
  await apiLogin(session.context, ADMIN);
});
after(async () => browser?.close());

async function groupsFromApi() {
  return apiOk(session.context, "GET", "/host-groups");
}

function groupRow(name) {
  return session.page.locator("main tbody tr").filter({ hasText: name });
}

test("a new group created through the form is listed with its description and colour", async () => {
  const { page } = session;
  await openPage(page, "/host-groups");
  await page.getByRole("button", { name: "New group" }).click();
  const form = dialog(page, "New host group");
  await form.locator("#group-name").fill(groupName);
  await form.locator("#group-description").fill("Production web servers");
  await form.locator("#group-color").fill("#10b981");
  await form.getByRole("button", { name: "Save" }).click();
  await form.waitFor({ state: "detached" });

  await groupRow(groupName).waitFor();
  assert.match(await groupRow(groupName).textContent(), /Production web servers/);
  const created = (await groupsFromApi()).find((group) => group.name === groupName);
  assert.ok(created, "the API lists the new group");
  assert.equal(created.description, "Production web servers");
  assert.equal(created.color.toLowerCase(), "#10b981");
  await screenshot(page, "03-host-groups");
});

test("editing a group renames it in the list and in the API", async () => {
  const { page } = session;
  await groupRow(groupName).getByRole("button", { name: "Edit" }).click();
  const form = dialog(page, "Edit host group");
  assert.equal(await form.locator("#group-name").inputValue(), groupName);
  await form.locator("#group-name").fill(renamed);
  await form.getByRole("button", { name: "Save" }).click();
  await form.waitFor({ state: "detached" });
  await groupRow(renamed).waitFor();
  const names = (await groupsFromApi()).map((group) => group.name);
  assert.ok(names.includes(renamed));
  assert.ok(!names.includes(groupName));
});

test("deleting a group that still has hosts shows the server's refusal and keeps the group", async () => {
  const { page, context } = session;
  const group = (await groupsFromApi()).find((g) => g.name === renamed);
  await apiOk(context, "POST", "/hosts/create", { friendly_name: `grouped-${suffix}`, hostGroupIds: [group.id] });
  await page.reload();
  await groupRow(renamed).waitFor();
  assert.match(await groupRow(renamed).locator("td").nth(2).textContent(), /^1$/);

  const refusal = page.waitForResponse((response) => response.request().method() === "DELETE" && response.url().includes(`/host-groups/${group.id}`));
  await groupRow(renamed).getByRole("button", { name: "Delete" }).click();
  await page.getByRole("dialog").getByRole("button", { name: /^Delete/ }).click();
  const response = await refusal;
  assert.ok(response.status() >= 400 && response.status() < 500, `refused with a client error, got ${response.status()}`);
  const message = (await response.json()).error;
  const shown = page.getByRole("dialog").locator(".notice-error");
  await shown.waitFor();
  assert.equal((await shown.textContent()).trim(), message);
  await screenshot(page, "03-host-group-delete-refused");

  await page.getByRole("dialog").getByRole("button", { name: "Cancel" }).click();
  await groupRow(renamed).waitFor();
  assert.ok((await groupsFromApi()).some((g) => g.id === group.id), "the group still exists");
});

test("an empty group can be deleted", async () => {
  const { page, context } = session;
  const emptyName = `empty-${suffix}`;
  await apiOk(context, "POST", "/host-groups", { name: emptyName, color: "#f59e0b" });
  await page.reload();
  await groupRow(emptyName).getByRole("button", { name: "Delete" }).click();
  await page.getByRole("dialog").getByRole("button", { name: /^Delete/ }).click();
  await groupRow(emptyName).waitFor({ state: "detached" });
  assert.ok(!(await groupsFromApi()).some((g) => g.name === emptyName));
});

test("no browser problems", () => problems.assertClean());
