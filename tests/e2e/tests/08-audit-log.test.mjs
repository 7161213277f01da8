// The audit log page lists the sign-in events earlier tests caused, and filters them.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { ADMIN } from "../lib/accounts.mjs";
import { apiLogin, apiOk, launchBrowser, openSession, ProblemLog, screenshot } from "../lib/harness.mjs";
import { openPage } from "../lib/ui.mjs";

const problems = new ProblemLog();
let browser;
let session;

before(async () => {
  browser = await launchBrowser();
  session = await openSession(browser, problems);
  await apiLogin(session.context, ADMIN);
});
after(async () => browser?.close());

async function shownRows(page) {
  return page.locator("main tbody tr").evaluateAll((rows) =>
    rows.map((row) => {
      const cells = row.querySelectorAll("td");
      return { user: cells[1].textContent.trim(), action: cells[2].textContent.trim() };
    }),
  );
}

async function shownTotal(page) {
  const label = page.locator(".page-header .muted").filter({ hasText: /event\(s\)/ });
  await label.waitFor();
  return Number((await label.textContent()).match(/(\d+) event/)[1]);
}

test("the log shows the admin's successful and failed sign-ins", async () => {
  const { page } = session;
  await openPage(page, "/admin/audit-log");
  await page.locator("main tbody tr").first().waitFor();
  const rows = await shownRows(page);
  assert.ok(rows.some((row) => row.action === "login_success" && row.user === ADMIN.username), "a login_success by the admin");
  assert.ok(rows.some((row) => row.action === "login_failed"), "the wrong-password attempt");
  assert.equal(await shownTotal(page), (await apiOk(session.context, "GET", "/audit-log?limit=1")).total);
  await screenshot(page, "08-audit-log");
});

test("filtering by action shows only that action, with the API's count", async () => {
  const { page, context } = session;
  await page.getByRole("searchbox", { name: "Filter by action" }).fill("login_failed");
  await page.waitForFunction(() => [...document.querySelectorAll("main tbody tr td:nth-child(3)")].every((cell) => cell.textContent.trim() === "login_failed"));
  const rows = await shownRows(page);
  assert.ok(rows.length > 0);
  assert.ok(rows.every((row) => row.action === "login_failed"));
  assert.equal(await shownTotal(page), (await apiOk(context, "GET", "/audit-log?action=login_failed&limit=1")).total);
});

test("no browser problems", () => problems.assertClean());
