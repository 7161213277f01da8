// Both themes render every main page, and at phone width (390×844) no page scrolls sideways.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { ADMIN } from "../lib/accounts.mjs";
import { apiLogin, apiOk, launchBrowser, openSession, PHONE_VIEWPORT, ProblemLog, screenshot, settled, uniqueSuffix } from "../lib/harness.mjs";
import { openPage } from "../lib/ui.mjs";

const problems = new ProblemLog();
let browser;
let mainPages;

before(async () => {
  browser = await launchBrowser();
  const setup = await openSession(browser, problems);
  await apiLogin(setup.context, ADMIN);
  const host = await apiOk(setup.context, "POST", "/hosts/create", { friendly_name: `layout-host-with-a-rather-long-name-${uniqueSuffix()}` });
  await setup.context.close();
  mainPages = ["/", "/hosts", `/hosts/${host.hostId}`, "/host-groups", "/packages", "/repositories", "/admin/users", "/admin/roles", "/admin/settings", "/admin/plugins", "/admin/audit-log", "/profile"];
});
after(async () => browser?.close());

function screenshotName(prefix, path) {
  return `${prefix}${path === "/" ? "_dashboard" : path.replace(/\//g, "_").replace(/_[0-9a-f-]{36}$/, "_detail")}`;
}

async function pageColours(page) {
  return page.evaluate(() => {
    const style = getComputedStyle(document.body);
    return { theme: document.documentElement.dataset.theme, background: style.backgroundColor, text: style.color };
  });
}

test("the theme toggle switches between dark and light, and both render every page", async () => {
  const { page } = await openSession(browser, problems);
  await apiLogin(page.context(), ADMIN);
  await openPage(page, "/");
  const first = await pageColours(page);
  await page.locator("header").getByRole("button", { name: /Switch to (light|dark) theme/ }).click();
  await page.waitForFunction((theme) => document.documentElement.dataset.theme !== theme, first.theme);
  const second = await pageColours(page);
  assert.deepEqual([first.theme, second.theme].sort(), ["dark", "light"]);
  assert.notEqual(first.background, second.background, "the background changes with the theme");
  assert.notEqual(first.text, second.text, "the text colour changes with the theme");

  for (const colours of [second, first]) {
    if ((await pageColours(page)).theme !== colours.theme) {
      await page.locator("header").getByRole("button", { name: /Switch to (light|dark) theme/ }).click();
      await page.waitForFunction((theme) => document.documentElement.dataset.theme === theme, colours.theme);
    }
    for (const path of mainPages) {
      await openPage(page, path);
      await settled(page);
      assert.equal((await pageColours(page)).theme, colours.theme, `${path} keeps the ${colours.theme} theme`);
      assert.equal(await page.locator("main .state-error").count(), 0, `${path} shows no error`);
      await screenshot(page, screenshotName(`09-${colours.theme}`, path));
    }
  }
  await page.context().close();
});

test("a theme whose save a reload cut off is kept after the reload and saved then", async () => {
  const { page, context } = await openSession(browser, problems);
  await apiLogin(context, ADMIN);
  await openPage(page, "/");
  const before = await pageColours(page);
  // The first save never reaches the server, as when the browser leaves the page mid-request.
  let held = 0;
  await page.route("**/api/v1/user/preferences", async (route) => {
    if (route.request().method() === "PATCH" && held++ === 0) return route.abort("aborted");
    return route.continue();
  });
  await page.locator("header").getByRole("button", { name: /Switch to (light|dark) theme/ }).click();
  await page.waitForFunction((theme) => document.documentElement.dataset.theme !== theme, before.theme);
  const chosen = (await pageColours(page)).theme;
  await page.reload();
  await page.locator("main h1").first().waitFor();
  await settled(page);
  assert.equal((await pageColours(page)).theme, chosen, "the reload keeps the theme just chosen");
  const saved = await apiOk(context, "GET", "/user/preferences");
  assert.equal(saved.theme_preference, chosen, "the choice reaches the server after the reload");

  await page.unroute("**/api/v1/user/preferences");
  await page.locator("header").getByRole("button", { name: /Switch to (light|dark) theme/ }).click();
  await page.waitForFunction((theme) => document.documentElement.dataset.theme === theme, before.theme);
  await settled(page);
  await context.close();
});

test("at phone width no page is wider than the screen, and the menu opens the navigation", async () => {
  const { page, context } = await openSession(browser, problems, { viewport: PHONE_VIEWPORT });
  await apiLogin(context, ADMIN);
  for (const path of mainPages) {
    await openPage(page, path);
    await settled(page);
    const { scrollWidth, innerWidth } = await page.evaluate(() => ({ scrollWidth: document.scrollingElement.scrollWidth, innerWidth: window.innerWidth }));
    assert.ok(scrollWidth <= innerWidth, `${path}: content ${scrollWidth}px wide on a ${innerWidth}px screen`);
    await screenshot(page, screenshotName("09-phone", path));
  }
  const hostsLink = page.locator("aside").getByRole("link", { name: "Hosts", exact: true });
  assert.equal(await hostsLink.isVisible(), false, "the sidebar is hidden on a phone");
  await page.getByRole("button", { name: "Toggle navigation" }).click();
  await hostsLink.waitFor({ state: "visible" });
  await screenshot(page, "09-phone-navigation-open");
  await hostsLink.click();
  await page.waitForURL((url) => url.pathname === "/hosts");
  await hostsLink.waitFor({ state: "hidden" });
  await context.close();
});

test("no browser problems", () => problems.assertClean());
