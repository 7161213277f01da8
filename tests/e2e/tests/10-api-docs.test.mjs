// The Swagger UI behind /api/v1/api-docs loads the server's OpenAPI document and lists its operations.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { apiOk, launchBrowser, openSession, ProblemLog, screenshot } from "../lib/harness.mjs";

const problems = new ProblemLog();
let browser;
let session;

before(async () => {
  browser = await launchBrowser();
  session = await openSession(browser, problems);
});
after(async () => browser?.close());

test("/api/v1/api-docs opens Swagger UI with every operation of the OpenAPI document", async () => {
  const { page, context } = session;
  const spec = await apiOk(context, "GET", "/openapi.json");
  const operationCount = Object.values(spec.paths).reduce((sum, operations) => sum + Object.keys(operations).length, 0);
  assert.ok(operationCount > 50, `the spec has operations (${operationCount})`);

  await page.goto("/api/v1/api-docs");
  assert.match(new URL(page.url()).pathname, /^\/swagger-ui\//);
  await page.locator(".opblock").first().waitFor({ timeout: 20_000 });
  assert.equal(await page.locator(".opblock").count(), operationCount);
  const createHost = page.locator(".opblock-post").filter({ hasText: "/api/v1/hosts/create" });
  assert.equal(await createHost.count(), 1);
  assert.match(await page.locator(".info .title").textContent(), /PatchMon/i);
  await screenshot(page, "10-swagger-ui");
});

test("no browser problems", () => problems.assertClean());
