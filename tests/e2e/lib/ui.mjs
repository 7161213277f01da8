// Page-level actions shared by several test files.

/** Fills in and submits the login form; the caller waits for the outcome it expects. */
export async function loginThroughForm(page, { username, password }) {
  await page.goto("/login");
  await page.fill("#login-username", username);
  await page.fill("#login-password", password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

export async function waitForSignedIn(page) {
  await page.locator(".user-menu-button").waitFor();
}

export async function logoutThroughMenu(page) {
  await page.locator(".user-menu-button").click();
  await page.getByRole("menuitem", { name: "Log out" }).click();
  await page.waitForURL("**/login**");
}

/** Opens a page of the app and waits for its heading. */
export async function openPage(page, path) {
  await page.goto(path);
  await page.locator("main h1").first().waitFor();
}

export function dialog(page, title) {
  return page.getByRole("dialog", { name: title });
}
