// Users of every built-in role, a custom role from the permission matrix, and what a readonly
// user can and cannot see.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { ADMIN, userAccount } from "../lib/accounts.mjs";
import { apiLogin, apiOk, launchBrowser, openSession, pageHeading, ProblemLog, screenshot, settled, uniqueSuffix } from "../lib/harness.mjs";
import { dialog, loginThroughForm, openPage, waitForSignedIn } from "../lib/ui.mjs";

const BUILT_IN_ROLES = ["superadmin", "admin", "host_manager", "user", "readonly"];
/** Buttons and links that change something; a readonly user must see none of them. */
const MANAGEMENT_CONTROL = /^(\+?\s*)?(Add host|New group|New user|New role|Edit|Delete|Rename|Groups|Regenerate credentials|Save|Save notes|Reset password|Assign groups)$/;

const problems = new ProblemLog();
const suffix = uniqueSuffix();
const customRole = `auditor_${suffix}`;
const accounts = Object.fromEntries(BUILT_IN_ROLES.map((role) => [role, userAccount(`${role.replace("_", "")}-${suffix}`, role)]));
const auditor = userAccount(`auditor-${suffix}`, customRole);
let browser;
let admin;
let hostId;

before(async () => {
  browser = await launchBrowser();
  admin = await openSession(browser, problems);
  await apiLogin(admin.context, ADMIN);
  hostId = (await apiOk(admin.context, "POST", "/hosts/create", { friendly_name: `seen-by-readonly-${suffix}` })).hostId;
});
after(async () => browser?.close());

function userRow(page, username) {
  return page.locator("main tbody tr").filter({ has: page.getByText(username, { exact: true }) });
}

async function createUserThroughForm(page, account) {
  await page.getByRole("button", { name: "New user" }).click();
  const form = dialog(page, "New user");
  await form.locator("#user-first").fill(account.firstName);
  await form.locator("#user-last").fill(account.lastName);
  await form.locator("#user-username").fill(account.username);
  await form.locator("#user-email").fill(account.email);
  await form.locator("#user-password").fill(account.password);
  await form.locator("#user-role").selectOption(account.role);
  await form.getByRole("button", { name: "Create user" }).click();
  await form.waitFor({ state: "detached" });
  await userRow(page, account.username).waitFor();
}

async function usersFromApi() {
  return (await apiOk(admin.context, "GET", "/auth/admin/users?pageSize=100")).data;
}

async function navLabels(page) {
  return (await page.locator("aside nav .nav-link").allTextContents()).map((label) => label.trim());
}

test("the admin creates one user of each built-in role through the form", async () => {
  const { page } = admin;
  await openPage(page, "/admin/users");
  for (const role of BUILT_IN_ROLES) await createUserThroughForm(page, accounts[role]);
  const users = await usersFromApi();
  for (const role of BUILT_IN_ROLES) {
    const user = users.find((u) => u.username === accounts[role].username);
    assert.ok(user, `${role} user exists`);
    assert.equal(user.role, role);
    assert.equal(user.is_active, true);
    assert.equal((await userRow(page, accounts[role].username).locator("td").nth(2).textContent()).trim(), role);
  }
  await screenshot(page, "05-users");
});

test("a custom role is created from the permission matrix", async () => {
  const { page, context } = admin;
  await openPage(page, "/admin/roles");
  await page.getByRole("button", { name: "New role" }).click();
  const form = dialog(page, "New role");
  await form.locator("#role-name").fill(customRole);
  await form.getByRole("button", { name: "Continue" }).click();
  await page.getByRole("checkbox", { name: `${customRole}: View hosts` }).check();
  await page.getByRole("checkbox", { name: `${customRole}: View users` }).check();
  const column = page.locator("thead th").filter({ hasText: customRole });
  await column.getByRole("button", { name: "Save" }).click();
  await page.locator(".notice-success").waitFor();
  await screenshot(page, "05-roles");

  const role = await apiOk(context, "GET", `/permissions/roles/${customRole}`);
  const granted = Object.entries(role).filter(([key, value]) => key.startsWith("can_") && value === true).map(([key]) => key).sort();
  assert.deepEqual(granted, ["can_view_dashboard", "can_view_hosts", "can_view_users"]);

  await page.reload();
  assert.equal(await page.getByRole("checkbox", { name: `${customRole}: View users` }).isChecked(), true);
  assert.equal(await page.getByRole("checkbox", { name: `${customRole}: Manage hosts` }).isChecked(), false);
});

test("a user with the custom role sees exactly the pages it grants", async () => {
  await openPage(admin.page, "/admin/users");
  await createUserThroughForm(admin.page, auditor);
  const own = await openSession(browser, problems);
  await loginThroughForm(own.page, auditor);
  await waitForSignedIn(own.page);
  assert.deepEqual(await navLabels(own.page), ["Dashboard", "Hosts", "Host groups", "Repositories", "Users"]);
  await openPage(own.page, "/admin/users");
  await own.page.locator("main tbody tr").first().waitFor();
  assert.equal(await own.page.getByRole("button", { name: "New user" }).count(), 0);
  await own.context.close();
});

test("a readonly user has no admin navigation and no management controls", async () => {
  const { page, context } = await openSession(browser, problems);
  await loginThroughForm(page, accounts.readonly);
  await waitForSignedIn(page);
  assert.deepEqual(await navLabels(page), ["Dashboard", "Hosts", "Host groups", "Packages", "Repositories"]);
  assert.equal(await page.locator("aside").getByText("Administration").count(), 0);
  assert.equal(await page.locator(".sidebar-add").count(), 0);

  const hrefs = await page.locator("aside a[href]").evaluateAll((links) => links.map((link) => link.getAttribute("href")));
  const pages = [...new Set([...hrefs, `/hosts/${hostId}`, "/profile"])];
  for (const path of pages) {
    await page.goto(path);
    const heading = await pageHeading(page);
    await settled(page);
    assert.ok(!["Access denied", "Page not found"].includes(heading), `${path} opens a real page (got "${heading}")`);
    assert.equal(await page.locator("main .state-error").count(), 0, `${path} shows no error`);
    // Sortable column headers are buttons too, but they only reorder the view.
    const controls = await page.locator("main button:not([role=columnheader] button), main a, aside a").evaluateAll((elements) => elements.map((element) => element.textContent.trim()));
    const management = controls.filter((label) => MANAGEMENT_CONTROL.test(label));
    // The profile page manages the user's own account; everything else must be read-only.
    if (path !== "/profile") assert.deepEqual(management, [], `${path} has no management controls`);
    await screenshot(page, `05-readonly${path.replace(/[/]/g, "_")}`);
  }

  await page.goto(`/hosts/${hostId}?tab=notes`);
  await page.getByRole("tab", { name: "Notes" }).waitFor();
  assert.equal(await page.locator("#host-notes").count(), 0, "notes are not editable");

  for (const path of ["/admin/users", "/admin/roles", "/admin/settings", "/admin/audit-log"]) {
    await page.goto(path);
    assert.equal(await pageHeading(page), "Access denied", `${path} is refused without calling the API`);
  }

  await page.locator(".user-menu-button").click();
  const menuLinks = await page.getByRole("menuitem").evaluateAll((items) => items.filter((item) => item.tagName === "A").map((item) => item.getAttribute("href")));
  for (const href of menuLinks) {
    const response = await context.request.get(href);
    assert.equal(response.status(), 200, `${href} answers`);
  }
  await context.close();
});

test("no browser problems", () => problems.assertClean());
