// Profile: password change, TFA enrolment and sign-in with TOTP, backup codes and trusted
// devices, and sessions.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { ADMIN, userAccount } from "../lib/accounts.mjs";
import { apiCall, apiLogin, apiOk, launchBrowser, openSession, pageHeading, ProblemLog, screenshot, uniqueSuffix } from "../lib/harness.mjs";
import { freshStepStart, totp } from "../lib/totp.mjs";
import { loginThroughForm, logoutThroughMenu, openPage, waitForSignedIn } from "../lib/ui.mjs";

const problems = new ProblemLog();
const suffix = uniqueSuffix();
const account = userAccount(`profile-${suffix}`, "user");
const newPassword = `Changed-${suffix}-Pw9!`;
let browser;
let session;
let tfaKey;
let backupCodes;

before(async () => {
  browser = await launchBrowser();
  const adminSession = await openSession(browser, problems);
  await apiLogin(adminSession.context, ADMIN);
  await apiOk(adminSession.context, "POST", "/auth/admin/users", {
    username: account.username,
    email: account.email,
    first_name: account.firstName,
    last_name: account.lastName,
    password: account.password,
    role: account.role,
  });
  await adminSession.context.close();
  session = await openSession(browser, problems);
});
after(async () => browser?.close());

async function submitTfaCode(page, code, { remember = false } = {}) {
  await page.getByRole("heading", { name: "Two-factor authentication" }).waitFor();
  await page.fill("#tfa-token", code);
  if (remember) await page.getByRole("checkbox", { name: "Remember this device" }).check();
  await page.getByRole("button", { name: "Verify" }).click();
}

const STEP_MS = 30_000;
let lastStep = -1;

/**
 * A code nobody has used yet. The server accepts each time step once (and up to two steps of
 * clock drift), so a second code within the same 30 s uses the next step, waiting first when
 * that step would be more than one ahead of now.
 */
async function currentCode() {
  await freshStepStart();
  const target = Math.max(Math.floor(Date.now() / STEP_MS), lastStep + 1);
  while (target - Math.floor(Date.now() / STEP_MS) > 1) await new Promise((resolve) => setTimeout(resolve, 500));
  lastStep = target;
  return totp(tfaKey, { atMs: target * STEP_MS + 1000 });
}

test("changing the password: the old one stops working and the new one signs in", async () => {
  const { page } = session;
  await loginThroughForm(page, account);
  await waitForSignedIn(page);
  await openPage(page, "/profile?tab=password");
  await page.fill("#pw-current", account.password);
  await page.fill("#pw-new", newPassword);
  await page.fill("#pw-confirm", newPassword);
  await page.getByRole("button", { name: "Change password" }).click();
  await page.locator(".notice-success").waitFor();
  await logoutThroughMenu(page);

  await loginThroughForm(page, account);
  await page.locator(".notice-error").waitFor();
  await loginThroughForm(page, { username: account.username, password: newPassword });
  await waitForSignedIn(page);
});

test("enabling TFA from the QR page with the manual key shows backup codes", async () => {
  const { page, context } = session;
  await openPage(page, "/profile?tab=tfa");
  await page.getByRole("button", { name: "Enable two-factor authentication" }).click();
  await page.getByRole("img", { name: "QR code for your authenticator app" }).waitFor();
  tfaKey = (await page.locator(".copy-field-value").textContent()).trim();
  assert.match(tfaKey, /^[A-Z2-7 =-]+$/i, "the manual key is base32");
  await screenshot(page, "07-tfa-setup");
  await page.fill("#tfa-verify", await currentCode());
  await page.getByRole("button", { name: "Verify and enable" }).click();
  const codes = page.locator('[aria-label="Backup codes"] code');
  await codes.first().waitFor();
  backupCodes = await codes.allTextContents();
  assert.ok(backupCodes.length >= 5, `several backup codes (${backupCodes.length})`);
  await screenshot(page, "07-tfa-backup-codes");
  await page.getByRole("button", { name: "Done" }).click();
  await page.locator(".badge").filter({ hasText: "Enabled" }).waitFor();
  assert.equal((await apiOk(context, "GET", "/tfa/status")).enabled, true);
});

test("signing in now asks for a TOTP code", async () => {
  const { page } = session;
  await logoutThroughMenu(page);
  await loginThroughForm(page, { username: account.username, password: newPassword });
  await submitTfaCode(page, await currentCode());
  await waitForSignedIn(page);
});

test("a backup code signs in once and is refused the second time", async () => {
  const { page } = session;
  await logoutThroughMenu(page);
  await loginThroughForm(page, { username: account.username, password: newPassword });
  await submitTfaCode(page, backupCodes[0]);
  await waitForSignedIn(page);

  await logoutThroughMenu(page);
  await loginThroughForm(page, { username: account.username, password: newPassword });
  await submitTfaCode(page, backupCodes[0]);
  await page.locator(".notice-error").waitFor();
  await screenshot(page, "07-tfa-backup-code-reused");
});

test("'remember this device' skips TFA at the next sign-in", async () => {
  const { page } = session;
  await submitTfaCode(page, await currentCode(), { remember: true });
  await waitForSignedIn(page);
  await openPage(page, "/profile?tab=devices");
  await page.locator("main tbody tr").filter({ hasText: "This device" }).waitFor();

  await logoutThroughMenu(page);
  await loginThroughForm(page, { username: account.username, password: newPassword });
  await waitForSignedIn(page);
  assert.equal(await page.locator("#tfa-token").count(), 0);
});

test("the sessions list shows this session, and revoking the others signs them out", async () => {
  const { page } = session;
  const other = await openSession(browser, problems);
  await loginThroughForm(other.page, { username: account.username, password: newPassword });
  await submitTfaCode(other.page, await currentCode());
  await waitForSignedIn(other.page);

  await openPage(page, "/profile?tab=sessions");
  const rows = page.locator("main tbody tr");
  await rows.nth(1).waitFor();
  assert.equal(await rows.filter({ hasText: "This session" }).count(), 1);
  await screenshot(page, "07-sessions");
  await page.getByRole("button", { name: "Revoke all other sessions" }).click();
  await page.locator(".notice-success").waitFor();
  await page.waitForFunction(() => document.querySelectorAll("main tbody tr").length === 1);
  assert.equal(await rows.filter({ hasText: "This session" }).count(), 1);

  const { status } = await apiCall(other.context, "POST", "/auth/refresh");
  assert.equal(status, 401, "the revoked session cannot refresh");
  await other.page.goto("/profile");
  await other.page.waitForURL("**/login**");
  assert.equal(await pageHeading(page), "My profile");
  await other.context.close();
});

test("no browser problems", () => problems.assertClean());
