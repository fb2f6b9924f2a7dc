/**
 * Debian's Chromium, driven through playwright-core, for tests that look at a page the way a
 * reader does. No browser download: the system's `/usr/bin/chromium` (or `CHROMIUM_PATH`).
 *
 * @module
 */
import { type Browser, chromium } from "playwright-core";

/** Flags for a quiet, hermetic headless run: no GPU, no sandbox (containers), no phoning home. */
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/**
 * Launches Chromium, runs `fn` with it and closes it, whatever `fn` does. Each launch gets a
 * fresh, temporary user-data directory (playwright creates one per launch and deletes it on
 * close), so no state leaks between tests.
 *
 * @example
 * ```ts
 * await withBrowser(async (browser) => {
 *   const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
 *   await page.goto(url);
 * });
 * ```
 */
export async function withBrowser<T>(fn: (browser: Browser) => Promise<T>): Promise<T> {
  const browser = await chromium.launch({
    executablePath: Deno.env.get("CHROMIUM_PATH") ?? "/usr/bin/chromium",
    headless: true,
    args: CHROMIUM_ARGS,
  });
  try {
    return await fn(browser);
  } finally {
    await browser.close();
  }
}
