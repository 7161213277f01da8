// Plugins: the built-in webhook notifier configured through the form generated from its JSON
// Schema (the secret as a password field that is never shown again), enabled, and a test event
// delivered to a real local HTTP receiver with its HMAC signature.
import assert from "node:assert/strict";
import http from "node:http";
import { after, before, test } from "node:test";
import { ADMIN } from "../lib/accounts.mjs";
import { apiLogin, apiOk, launchBrowser, openSession, ProblemLog, screenshot } from "../lib/harness.mjs";
import { dialog, openPage } from "../lib/ui.mjs";

const problems = new ProblemLog();
const received = [];
let receiver;
let receiverUrl;
let browser;
let session;

before(async () => {
  receiver = http.createServer((request, response) => {
    const chunks = [];
    request.on("data", (chunk) => chunks.push(chunk));
    request.on("end", () => {
      received.push({ method: request.method, url: request.url, headers: request.headers, body: Buffer.concat(chunks).toString() });
      response.writeHead(204).end();
    });
  });
  await new Promise((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  receiverUrl = `http://127.0.0.1:${receiver.address().port}/patchmon`;
  browser = await launchBrowser();
  session = await openSession(browser, problems);
  await apiLogin(session.context, ADMIN);
});
after(async () => {
  await browser?.close();
  receiver?.close();
});

test("the built-in notifiers are listed", async () => {
  const { page } = session;
  await openPage(page, "/admin/plugins");
  const table = page.getByRole("table", { name: "Plugins" });
  await table.getByRole("button", { name: "Webhook" }).waitFor();
  await table.getByRole("button", { name: "ntfy" }).waitFor();
  await screenshot(page, "12-plugins-list");
});

test("the webhook is configured through its generated form, enabled, and delivers a signed test event", async () => {
  const { page, context } = session;
  await page.getByRole("table", { name: "Plugins" }).getByRole("button", { name: "Webhook" }).click();
  const detail = dialog(page, /^Webhook /);
  await detail.waitFor();
  await detail.getByLabel(/^url/).fill(receiverUrl);
  const secret = detail.getByLabel(/^secret/);
  assert.equal(await secret.getAttribute("type"), "password");
  await secret.fill("e2e-shared-secret");
  await detail.getByRole("button", { name: "Save configuration" }).click();
  // Saving validates through the plugin itself, so the first save compiles it: slow on a debug
  // build under load.
  await detail.getByText("Configuration saved").waitFor({ timeout: 30_000 });

  const saved = await apiOk(context, "GET", "/plugins/notifier-webhook");
  assert.equal(saved.config.url, receiverUrl);
  assert.deepEqual(saved.secrets_set, ["secret"]);
  assert.ok(!JSON.stringify(saved).includes("e2e-shared-secret"), "the secret never comes back");
  assert.equal(await secret.inputValue(), "", "the form does not show the stored secret");

  await detail.getByRole("button", { name: "Enable" }).click();
  await detail.getByRole("button", { name: "Disable" }).waitFor();
  assert.equal((await apiOk(context, "GET", "/plugins/notifier-webhook")).enabled, true);

  await detail.getByRole("button", { name: "Send test" }).click();
  // Wait for this call's own outcome: the "Configuration saved" notice is still on screen.
  const delivered = detail.getByText("Test notification delivered");
  const failed = detail.locator(".notice-error");
  await delivered.or(failed).first().waitFor({ timeout: 30_000 });
  assert.ok(await delivered.isVisible(), `the test event failed: ${await failed.allTextContents()}`);
  assert.equal(received.length, 1);
  assert.equal(received[0].method, "POST");
  assert.equal(received[0].url, "/patchmon");
  assert.match(received[0].headers["x-patchmon-signature"] ?? "", /^sha256=[0-9a-f]{64}$/);
  assert.equal(received[0].headers["x-patchmon-event"], "test");
  assert.equal(JSON.parse(received[0].body).event, "test");
  await screenshot(page, "12-plugins-webhook-configured");
});

test("no browser problems", () => problems.assertClean());
