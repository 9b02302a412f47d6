import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { webDistDir } from '../src/plugins/web.ts';

/**
 * What every browser test shares: Debian's Chromium (installed by .ci/run; never a downloaded browser), whether the
 * built studio is there to serve, where screenshots go, and signing in through the login page.
 */
export const chromiumPath = '/usr/bin/chromium';

/** Whether this machine can run the browser tests; on CI it must (npm test builds the studio first). */
export const browserTestsCanRun = existsSync(chromiumPath) && existsSync(path.join(webDistDir, 'index.html'));
if (!browserTestsCanRun && process.env.CI) throw new Error(`CI must run the browser test: need ${chromiumPath} and a built studio (npm test builds it)`);

/** `test-artifacts/<suite>/` at the repository root: the screenshots a person looks at. */
export const artifactsDir = (suite: string): string => fileURLToPath(new URL(`../../../test-artifacts/${suite}`, import.meta.url));

/** Headless Chromium as the container allows it: no sandbox, no GPU, no /dev/shm, nothing fetched in the background. */
export function launchBrowser(extraArgs: readonly string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-dev-shm-usage', ...extraArgs],
  });
}

/** Signs in through the login page the studio shows to a visitor, and waits until it has gone. */
export async function logIn(page: Page, email: string, password: string): Promise<void> {
  await page.waitForSelector('[data-testid=login-form]');
  await page.fill('[data-testid=login-email]', email);
  await page.fill('[data-testid=login-password]', password);
  await page.click('[data-testid=login-submit]');
  await page.waitForSelector('[data-testid=login-page]', { state: 'detached' });
}
