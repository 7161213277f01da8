// Sign-in, sign-out and what happens when the access or refresh cookie is gone.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { ADMIN } from "../lib/accounts.mjs";
import { apiCall, cookieNames, dropCookies, launchBrowser, openSession, pageHeading, ProblemLog, screenshot } from "../lib/harness.mjs";
import { loginThroughForm, logoutThroughMenu, waitForSignedIn } from "../lib/ui.mjs";

const problems = new ProblemLog();
let browser;
let session;

before(async () => {
  browser = await launchBrowser();
  session = await openSession(browser, problems);
});
after(async () => browser?.close());

test("a signed-out visitor is sent to the login page and keeps the requested page", async () => {
  const { page } = session;
  await page.goto("/host-groups");
  await page.waitForURL("**/login?next=%2Fhost-groups");
  await page.getByRole("heading", { name: "Sign in" }).waitFor();
  await screenshot(page, "02-login");
});

test("a wrong password shows the server's error and stays on the login page", async () => {
  const { page } = session;
  const answer = page.waitForResponse((response) => response.url().endsWith("/api/v1/auth/login"));
  await loginThroughForm(page, { username: ADMIN.username, password: "Not-the-password-1!" });
  const response = await answer;
  assert.equal(response.status(), 401);
  const serverError = (await response.json()).error;
  assert.ok(serverError, "the server sends an error message");
  const alert = page.locator(".notice-error");
  await alert.waitFor();
  assert.match(await alert.textContent(), new RegExp(serverError.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")));
  assert.match(new URL(page.url()).pathname, /^\/login/);
  await screenshot(page, "02-login-wrong-password");
});

test("signing in with the right password opens the page asked for", async () => {
  const { page, context } = session;
  await page.goto("/login?next=%2Fhost-groups");
  await page.fill("#login-username", ADMIN.username);
  await page.fill("#login-password", ADMIN.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((url) => url.pathname === "/host-groups");
  assert.equal(await pageHeading(page), "Host groups");
  assert.deepEqual(await cookieNames(context), ["refresh_token", "token"]);
});

test("without the access cookie the next navigation refreshes silently and stays signed in", async () => {
  const { page, context } = session;
  await dropCookies(context, ["token"]);
  const refreshed = page.waitForResponse((response) => response.url().endsWith("/api/v1/auth/refresh"));
  await page.goto("/admin/users");
  assert.equal((await refreshed).status(), 200);
  assert.equal(await pageHeading(page), "Users");
  assert.equal(new URL(page.url()).pathname, "/admin/users");
  assert.ok((await cookieNames(context)).includes("token"), "the refresh set a new access cookie");
});

test("without either cookie the next navigation goes to the login page", async () => {
  const { page, context } = session;
  await dropCookies(context, ["token", "refresh_token"]);
  await page.goto("/admin/users");
  await page.waitForURL("**/login?next=%2Fadmin%2Fusers");
  await page.getByRole("heading", { name: "Sign in" }).waitFor();
});

test("the access cookie vanishing while a page is open is recovered on the next click", async () => {
  const { page, context } = session;
  await loginThroughForm(page, ADMIN);
  await waitForSignedIn(page);
  await dropCookies(context, ["token"]);
  await page.locator("aside").getByRole("link", { name: "Host groups" }).click();
  assert.equal(await pageHeading(page), "Host groups");
  await page.locator("aside").getByRole("link", { name: "Users" }).click();
  assert.equal(await pageHeading(page), "Users");
  await page.locator("main table").waitFor();
});

test("logging out clears the cookies and ends the session on the server", async () => {
  const { page, context } = session;
  const before = await context.cookies();
  await logoutThroughMenu(page);
  assert.deepEqual((await cookieNames(context)).filter((name) => name === "token" || name === "refresh_token"), []);
  await page.goto("/");
  await page.waitForURL("**/login**");

  await context.addCookies(before);
  const { status } = await apiCall(context, "POST", "/auth/refresh");
  assert.equal(status, 401, "the old refresh token no longer works");
  await context.clearCookies();
});

test("no browser problems", () => problems.assertClean());
