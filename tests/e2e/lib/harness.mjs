// Shared plumbing for the e2e tests: browser sessions, problem collection, screenshots, API calls.
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

export const BASE_URL = requiredEnv("PATCHMON_URL");
export const ARTIFACTS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "artifacts");
export const PHONE_VIEWPORT = { width: 390, height: 844 };
export const DESKTOP_VIEWPORT = { width: 1280, height: 800 };

const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Chromium's own report of a non-2xx fetch; the response itself is judged by ProblemLog. */
const NETWORK_STATUS_CONSOLE_MESSAGE = /^Failed to load resource: the server responded with a status of \d+/;

/** Statuses that always mean the UI called something it should not have. */
const ALWAYS_WRONG_STATUSES = new Set([403, 404, 405]);

function requiredEnv(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set; run the suite through tests/e2e/run.sh`);
  return value.replace(/\/+$/, "");
}

export function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
    headless: true,
    args: CHROMIUM_ARGS,
  });
}

/**
 * Everything that went wrong in the browser: console errors, uncaught page errors, failed
 * requests, and API responses the UI should never provoke (5xx, 403, 404, 405). A test that
 * provokes an error on purpose declares it with `expectHttpError`.
 */
export class ProblemLog {
  constructor() {
    this.problems = [];
    this.expected = [];
  }

  expectHttpError(status, pathPattern) {
    this.expected.push({ status, pathPattern });
  }

  watch(page) {
    page.on("console", (message) => {
      if (message.type() !== "error") return;
      if (NETWORK_STATUS_CONSOLE_MESSAGE.test(message.text())) return;
      this.problems.push(`console error on ${page.url()}: ${message.text()}`);
    });
    page.on("pageerror", (error) => this.problems.push(`page error on ${page.url()}: ${error.message}`));
    page.on("requestfailed", (request) => {
      const failure = request.failure()?.errorText ?? "";
      if (failure.includes("ERR_ABORTED")) return;
      this.problems.push(`request failed: ${request.method()} ${request.url()} (${failure})`);
    });
    page.on("response", (response) => this.judgeResponse(response));
  }

  judgeResponse(response) {
    const status = response.status();
    const url = new URL(response.url());
    if (status < 400 || url.origin !== new URL(BASE_URL).origin) return;
    const wrong = status >= 500 || ALWAYS_WRONG_STATUSES.has(status);
    const declared = this.expected.some((e) => e.status === status && e.pathPattern.test(url.pathname));
    if (wrong && !declared) this.problems.push(`HTTP ${status} for ${response.request().method()} ${url.pathname}${url.search}`);
  }

  assertClean() {
    assert.deepEqual(this.problems, [], "browser problems during this test file");
  }
}

/** A fresh browser context (own cookies and storage) with one watched page. */
export async function openSession(browser, problems, { viewport = DESKTOP_VIEWPORT, colorScheme = "dark" } = {}) {
  const context = await browser.newContext({ baseURL: BASE_URL, viewport, colorScheme });
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  problems.watch(page);
  return { context, page };
}

export async function screenshot(page, name) {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS_DIR, `${name}.png`), fullPage: true });
}

/** Calls the API with the context's cookies; returns { status, body }. */
export async function apiCall(context, method, apiPath, body) {
  const response = await context.request.fetch(`${BASE_URL}/api/v1${apiPath}`, {
    method,
    data: body === undefined ? undefined : JSON.stringify(body),
    headers: body === undefined ? {} : { "Content-Type": "application/json" },
  });
  const text = await response.text();
  let parsed = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status(), body: parsed };
}

/** Like apiCall, but fails the test unless the answer is 2xx; returns the body. */
export async function apiOk(context, method, apiPath, body) {
  const { status, body: answer } = await apiCall(context, method, apiPath, body);
  assert.ok(status >= 200 && status < 300, `${method} ${apiPath} -> ${status} ${JSON.stringify(answer)}`);
  return answer;
}

/** Signs the context in through the API (sets its cookies), without the login form. */
export async function apiLogin(context, credentials) {
  return apiOk(context, "POST", "/auth/login", { username: credentials.username, password: credentials.password });
}

export async function cookieNames(context) {
  return (await context.cookies(BASE_URL)).map((cookie) => cookie.name).sort();
}

export async function dropCookies(context, names) {
  const keep = (await context.cookies(BASE_URL)).filter((cookie) => !names.includes(cookie.name));
  await context.clearCookies();
  await context.addCookies(keep);
}

/** The page's main heading once the app has rendered it. */
export async function pageHeading(page) {
  const heading = page.locator("main h1").first();
  await heading.waitFor();
  return (await heading.textContent()).trim();
}

/** Waits until no spinner is left inside the main area. */
export async function settled(page) {
  await page.waitForLoadState("networkidle");
  await page.locator("main .state-loading").first().waitFor({ state: "detached" });
}

/** A unique-enough suffix for names created by a test. */
export function uniqueSuffix() {
  return Date.now().toString(36).slice(-5);
}
