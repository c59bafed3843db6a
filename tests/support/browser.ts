import { existsSync, mkdirSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';

/** Debian's headless Chromium (`.ci/run` installs it), or any Chromium named by CHROME_BIN. */
export const CHROME = process.env.CHROME_BIN ?? '/usr/lib/chromium/chromium-headless-shell';

/** CI always has the browser; a developer machine without one skips the page tests. */
export const skipWithoutBrowser = !existsSync(CHROME) && process.env.CI !== 'true';

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROME,
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
  });
}

/** Where the page tests keep their screenshots, for a person to look at (gitignored). */
const ARTIFACTS = new URL('../../test-artifacts/', import.meta.url);

/** Saves a full-page screenshot as test-artifacts/<name>.png and returns its path. */
export async function keepScreenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = new URL(`${name}.png`, ARTIFACTS).pathname;
  await page.screenshot({ path, fullPage: true });
  return path;
}
