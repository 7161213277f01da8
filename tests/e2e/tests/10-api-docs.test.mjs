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
  const rendered = await renderedOperations(page);
  assert.equal(rendered.size, operationCount);
  assert.ok(rendered.has("post /api/v1/hosts/create"), "POST /api/v1/hosts/create is listed");
  assert.match(await page.locator(".info .title").textContent(), /PatchMon/i);
  await screenshot(page, "10-swagger-ui");
});

/**
 * Swagger UI only keeps the operations near the viewport in the DOM, so walk down the page a
 * screen at a time and collect every operation ("method path") that gets rendered.
 */
async function renderedOperations(page) {
  const seen = new Set();
  for (let y = 0; ; ) {
    await page.evaluate((top) => window.scrollTo(0, top), y);
    await page.waitForTimeout(150);
    const visible = await page.locator(".opblock").evaluateAll((blocks) =>
      blocks.map((block) => {
        const method = block.querySelector(".opblock-summary-method")?.textContent.toLowerCase();
        return `${method} ${block.querySelector(".opblock-summary-path")?.dataset.path}`;
      }),
    );
    visible.forEach((operation) => seen.add(operation));
    const { height, bottom } = await page.evaluate(() => ({
      height: window.innerHeight,
      bottom: document.documentElement.scrollHeight,
    }));
    if (y + height >= bottom) return seen;
    y += height / 2;
  }
}

test("no browser problems", () => problems.assertClean());
