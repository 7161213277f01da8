// Settings: a saved value persists; values the environment sets are read-only with an "env" badge.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { ADMIN } from "../lib/accounts.mjs";
import { apiLogin, apiOk, launchBrowser, openSession, ProblemLog, screenshot } from "../lib/harness.mjs";
import { openPage } from "../lib/ui.mjs";

const ENV_SERVER_HOST = process.env.E2E_ENV_SERVER_HOST;
const ENV_PASSWORD_MIN_LENGTH = process.env.E2E_ENV_PASSWORD_MIN_LENGTH;

const problems = new ProblemLog();
let browser;
let session;

before(async () => {
  assert.ok(ENV_SERVER_HOST && ENV_PASSWORD_MIN_LENGTH, "run.sh starts the server with SERVER_HOST and PASSWORD_MIN_LENGTH");
  browser = await launchBrowser();
  session = await openSession(browser, problems);
  await apiLogin(session.context, ADMIN);
});
after(async () => browser?.close());

function envBadge(page, key) {
  return page.locator(`label[for="setting-${key}"] .env-badge`);
}

test("the report interval is saved and still there after a reload", async () => {
  const { page, context } = session;
  await openPage(page, "/admin/settings");
  const input = page.locator("#setting-update_interval");
  assert.equal(Number(await input.inputValue()), (await apiOk(context, "GET", "/settings")).update_interval);
  await input.fill("45");
  await page.getByRole("button", { name: "Save settings" }).click();
  await page.locator(".notice-success").filter({ hasText: "Settings saved" }).waitFor();
  await page.reload();
  assert.equal(await page.locator("#setting-update_interval").inputValue(), "45");
  assert.equal((await apiOk(context, "GET", "/settings")).update_interval, 45);
});

test("the server host set by SERVER_HOST is read-only with an env badge, and so is the URL built from it", async () => {
  const { page } = session;
  const host = page.locator("#setting-server_host");
  assert.equal(await host.inputValue(), ENV_SERVER_HOST);
  assert.equal(await host.isDisabled(), true);
  await envBadge(page, "server_host").waitFor();
  assert.equal(await envBadge(page, "server_host").textContent(), "env");

  assert.equal(await page.locator("#setting-server_url").isDisabled(), true);
  assert.match(await page.locator("#setting-server_url").inputValue(), new RegExp(`//${ENV_SERVER_HOST}`));
  await envBadge(page, "server_url").waitFor();

  assert.equal(await page.locator("#setting-server_port").isDisabled(), false, "the port is not set by the environment");
  assert.equal(await envBadge(page, "server_port").count(), 0);
  await screenshot(page, "06-settings-general");
});

function variableRow(page, key) {
  return page.locator("main tbody tr").filter({ has: page.locator("code", { hasText: new RegExp(`^${key}$`) }) });
}

test("the environment tab shows PASSWORD_MIN_LENGTH from the environment, not editable", async () => {
  const { page } = session;
  await page.getByRole("tab", { name: "Environment" }).click();
  const row = variableRow(page, "PASSWORD_MIN_LENGTH");
  await row.waitFor();
  const cells = await row.locator("td").allTextContents();
  assert.match(cells[1], new RegExp(`^${ENV_PASSWORD_MIN_LENGTH}$`));
  assert.equal(cells[2].trim(), "env");
  assert.equal(await row.getByRole("button", { name: "Edit" }).count(), 0);
  await screenshot(page, "06-settings-environment");
});

test("a tunable not set by the environment can be edited and then comes from the database", async () => {
  const { page, context } = session;
  const row = variableRow(page, "TFA_MAX_REMEMBER_SESSIONS");
  await row.getByRole("button", { name: "Edit" }).click();
  await row.getByRole("textbox", { name: "Value of TFA_MAX_REMEMBER_SESSIONS" }).fill("6");
  await row.getByRole("button", { name: "Save" }).click();
  await page.locator(".notice-success").waitFor();
  await row.locator("td").nth(2).filter({ hasText: "database" }).waitFor();
  assert.match(await row.locator("td").nth(1).textContent(), /^6$/);
  const variables = (await apiOk(context, "GET", "/settings/environment")).variables;
  const saved = variables.find((variable) => variable.key === "TFA_MAX_REMEMBER_SESSIONS");
  assert.equal(saved.effectiveValue, 6);
  assert.equal(saved.effectiveSource, "database");
});

test("no browser problems", () => problems.assertClean());
