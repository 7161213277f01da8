// Integrations: an API credential created through the page, its one-time key and secret proven
// against the scoped API with HTTP Basic, refused once deactivated in the page, then deleted; and
// gethomepage and Prometheus credentials whose ready-to-paste YAML works against the server.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { ADMIN } from "../lib/accounts.mjs";
import { apiLogin, apiOk, BASE_URL, launchBrowser, openSession, ProblemLog, screenshot, uniqueSuffix } from "../lib/harness.mjs";
import { dialog, openPage } from "../lib/ui.mjs";

const problems = new ProblemLog();
const suffix = uniqueSuffix();
const apiName = `ansible-${suffix}`;
const homepageName = `homepage-${suffix}`;
const scraperName = `prometheus-${suffix}`;
let browser;
let session;
let apiKey;
let apiSecret;

before(async () => {
  browser = await launchBrowser();
  session = await openSession(browser, problems);
  await apiLogin(session.context, ADMIN);
});
after(async () => browser?.close());

function credentialRow(name) {
  return session.page.getByRole("table", { name: "Integration credentials" }).locator("tbody tr").filter({ hasText: name });
}

/** `GET /api/v1/api/hosts` from outside the browser, authenticated with the credential. */
async function listHostsWith(key, secret) {
  const response = await fetch(`${BASE_URL}/api/v1/api/hosts`, {
    headers: { Authorization: `Basic ${Buffer.from(`${key}:${secret}`).toString("base64")}` },
  });
  return { status: response.status, body: await response.json().catch(() => undefined) };
}

/** Reads the value of a `CopyField` labelled `label` in `scope`. */
async function copyFieldValue(scope, label) {
  const field = scope.locator(".copy-field").filter({ has: session.page.locator(".copy-field-label", { hasText: new RegExp(`^${label}$`) }) });
  return (await field.locator(".copy-field-value").textContent()).trim();
}

test("the Integrations page is linked under Administration", async () => {
  const { page } = session;
  await openPage(page, "/");
  await page.getByRole("link", { name: "Integrations" }).click();
  await page.waitForURL("**/admin/integrations");
  await page.locator("main h1", { hasText: "Integrations" }).waitFor();
});

test("an API credential created through the page shows its key and secret once, and they work", async () => {
  const { page, context } = session;
  await page.getByRole("button", { name: "New credential" }).click();
  const form = dialog(page, "New credential");
  await form.getByLabel("Name").fill(apiName);
  await form.getByLabel("Type").selectOption("api");
  const get = form.getByRole("checkbox", { name: "host: get" });
  if (!(await get.isChecked())) await get.check();
  await form.getByRole("button", { name: "Create credential" }).click();

  const shown = dialog(page, `Credential “${apiName}” created`);
  await shown.waitFor();
  await shown.getByText("You will not see the secret again", { exact: false }).waitFor();
  apiKey = await copyFieldValue(shown, "Key");
  apiSecret = await copyFieldValue(shown, "Secret");
  assert.match(apiKey, /^patchmon_ae_[0-9a-f]{32}$/);
  assert.match(apiSecret, /^[0-9a-f]{64}$/);
  await screenshot(page, "13-integrations-api-created");
  await shown.getByRole("button", { name: "Done" }).click();
  await shown.waitFor({ state: "detached" });

  await credentialRow(apiName).waitFor();
  assert.match(await credentialRow(apiName).textContent(), /Active/);
  const listed = (await apiOk(context, "GET", "/auto-enrollment/tokens")).find((t) => t.token_name === apiName);
  assert.equal(listed.token_key, apiKey);
  assert.deepEqual(listed.scopes, { host: ["get"] });
  assert.ok(!(await page.content()).includes(apiSecret), "the secret is gone from the page");

  const { status, body } = await listHostsWith(apiKey, apiSecret);
  assert.equal(status, 200, JSON.stringify(body));
  assert.ok(Array.isArray(body.hosts), JSON.stringify(body));
});

test("deactivating the credential in the page makes the API refuse it", async () => {
  const { page } = session;
  await credentialRow(apiName).getByRole("button", { name: `Deactivate ${apiName}` }).click();
  await credentialRow(apiName).getByRole("button", { name: `Activate ${apiName}` }).waitFor();
  // The page refetches the list after the change; wait for the state it settles on.
  await credentialRow(apiName).getByText("Inactive", { exact: true }).waitFor();
  assert.match(await credentialRow(apiName).textContent(), /Inactive/);
  const { status } = await listHostsWith(apiKey, apiSecret);
  assert.equal(status, 401);
  await screenshot(page, "13-integrations-deactivated");
});

test("deleting the credential asks first, then removes it", async () => {
  const { page, context } = session;
  await credentialRow(apiName).getByRole("button", { name: `Delete ${apiName}` }).click();
  const confirm = dialog(page, "Delete credential");
  await confirm.getByRole("button", { name: "Delete credential" }).click();
  await confirm.waitFor({ state: "detached" });
  await credentialRow(apiName).waitFor({ state: "detached" });
  const tokens = await apiOk(context, "GET", "/auto-enrollment/tokens");
  assert.ok(!tokens.some((t) => t.token_name === apiName), "the API no longer lists it");
  assert.equal((await listHostsWith(apiKey, apiSecret)).status, 401);
});

test("a gethomepage credential comes with a ready-to-paste widget YAML", async () => {
  const { page, context } = session;
  await page.getByRole("button", { name: "New credential" }).click();
  const form = dialog(page, "New credential");
  await form.getByLabel("Name").fill(homepageName);
  await form.getByLabel("Type").selectOption("gethomepage");
  await form.getByRole("button", { name: "Create credential" }).click();

  const shown = dialog(page, `Credential “${homepageName}” created`);
  await shown.waitFor();
  const key = await copyFieldValue(shown, "Key");
  const secret = await copyFieldValue(shown, "Secret");
  const yaml = await shown.getByLabel("Homepage widget (services.yaml)").textContent();
  assert.match(yaml, /type: customapi/);
  assert.ok(yaml.includes(`url: ${BASE_URL}/api/v1/gethomepage/stats`), yaml);
  assert.ok(yaml.includes(`Authorization: Basic ${Buffer.from(`${key}:${secret}`).toString("base64")}`), yaml);
  assert.match(yaml, /field: total_hosts/);
  // What gethomepage will do with the pasted widget: call the stats URL with that header.
  const authorization = yaml.match(/Authorization: (Basic \S+)/)[1];
  const widget = await fetch(`${BASE_URL}/api/v1/gethomepage/stats`, { headers: { Authorization: authorization } });
  assert.equal(widget.status, 200);
  assert.equal(typeof (await widget.json()).total_hosts, "number");
  await screenshot(page, "13-integrations-gethomepage");
  await shown.getByRole("button", { name: "Done" }).click();

  await credentialRow(homepageName).waitFor();
  assert.match(await credentialRow(homepageName).textContent(), /GetHomepage/);
  const listed = (await apiOk(context, "GET", "/auto-enrollment/tokens")).find((t) => t.token_name === homepageName);
  assert.equal(listed.metadata.integration_type, "gethomepage");
  await apiOk(context, "DELETE", `/auto-enrollment/tokens/${listed.id}`);
});

test("a prometheus credential comes with a scrape job that can scrape /api/v1/metrics", async () => {
  const { page, context } = session;
  await page.getByRole("button", { name: "New credential" }).click();
  const form = dialog(page, "New credential");
  await form.getByLabel("Name").fill(scraperName);
  await form.getByLabel("Type").selectOption("prometheus");
  await form.getByRole("button", { name: "Create credential" }).click();

  const shown = dialog(page, `Credential “${scraperName}” created`);
  await shown.waitFor();
  const yaml = await shown.getByLabel("Scrape job (prometheus.yml)").textContent();
  const username = yaml.match(/username: (\S+)/)[1];
  const password = yaml.match(/password: (\S+)/)[1];
  const path = yaml.match(/metrics_path: (\S+)/)[1];
  const scrape = await fetch(`${BASE_URL}${path}`, {
    headers: { Authorization: `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}` },
  });
  assert.equal(scrape.status, 200);
  assert.match(await scrape.text(), /^patchmon_hosts\{status="active"\} \d+$/m);
  await screenshot(page, "13-integrations-prometheus");
  await shown.getByRole("button", { name: "Done" }).click();
  const listed = (await apiOk(context, "GET", "/auto-enrollment/tokens")).find((t) => t.token_name === scraperName);
  await apiOk(context, "DELETE", `/auto-enrollment/tokens/${listed.id}`);
});

test("no browser problems", () => problems.assertClean());
