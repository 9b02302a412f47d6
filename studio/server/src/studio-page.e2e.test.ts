import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webDistDir } from './plugins/web.ts';
import { plainProductPhoto, startFarm, type Farm } from '../test/harness.ts';

/** Debian's Chromium (installed by .ci/run); never a downloaded browser. */
const chromiumPath = '/usr/bin/chromium';
const artifacts = fileURLToPath(new URL('../../../test-artifacts/studio-page', import.meta.url));
const canRun = existsSync(chromiumPath) && existsSync(path.join(webDistDir, 'index.html'));
if (!canRun && process.env.CI) throw new Error(`CI must run the browser test: need ${chromiumPath} and a built studio (npm test builds it)`);

// Skipped only off CI, where Chromium or the web build may be missing: `npm test` builds the bundle, .ci/run installs Chromium.
describe.skipIf(!canRun)('the studio page in a real browser', () => {
  let farm: Farm;
  let browser: Browser;
  beforeAll(async () => {
    farm = await startFarm({}, { listen: true });
    await farm.startWorker(2);
    await farm.startScorer();
    await mkdir(artifacts, { recursive: true });
    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-dev-shm-usage'],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await farm?.close();
  });

  it('upload a product photo → submit 4 variants → watch it finish → see 4 outputs; switch to English and back; gallery → compare two → approve one; every page', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(farm.baseUrl);
    expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');
    await page.screenshot({ path: path.join(artifacts, '1-empty.png') });

    await page.setInputFiles('[data-testid=upload-input]', plainProductPhoto());
    await page.waitForSelector('[data-testid=upload-meta]');
    // The upload is scored: one badge per marketplace profile, each saying whether the photo passes.
    await page.waitForSelector('[data-testid=gate-badges]', { timeout: 60_000 });
    expect(await page.locator('[data-testid=gate-badge]').count()).toBe(4);
    await page.fill('[data-testid=variants-input]', '4');
    await page.click('[data-testid=submit-job]');
    await page.waitForSelector('[data-testid=job-status][data-status=succeeded]', { timeout: 60_000 });
    // Strings, not functions: they run in the page, and this file is type-checked without the DOM library.
    await page.waitForFunction("document.querySelectorAll('[data-testid=output-image]').length === 4");
    await page.waitForFunction("[...document.querySelectorAll('[data-testid=output-image]')].every((img) => img.complete && img.naturalWidth > 0)");
    expect(await page.getAttribute('[data-testid=job-progress]', 'aria-valuenow')).toBe('100');
    await page.screenshot({ path: path.join(artifacts, '2-done-zh.png'), fullPage: true });

    const jobs = (await farm.app.inject({ method: 'GET', url: '/api/jobs?status=succeeded' })).json();
    expect(jobs.items).toHaveLength(1);
    expect(jobs.items[0]).toMatchObject({ variants: 4, recipe: { id: 'product-shot/studio-local' } });

    await page.click('[data-testid=language-en]');
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    expect(await page.textContent('[data-testid=submit-job]')).toMatch(/[A-Za-z]/);
    await page.screenshot({ path: path.join(artifacts, '3-done-en.png'), fullPage: true });
    await page.reload();
    expect(await page.getAttribute('html', 'lang')).toBe('en'); // remembered
    await page.click('[data-testid=language-zh-CN]');
    expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');

    // The gallery: the 4 outputs with their scores; select two, compare them side by side, approve one.
    await page.click('[data-testid=nav-gallery]');
    await page.waitForFunction("document.querySelectorAll('[data-testid=gallery-card]').length === 4");
    await page.waitForFunction("document.querySelectorAll('[data-testid=gallery-card] [data-testid=quality-score]').length === 4", undefined, { timeout: 60_000 });
    await page.screenshot({ path: path.join(artifacts, '4-gallery.png') });
    // Space selects the active card; clicking a thumbnail toggles it too.
    await page.focus('[data-testid=gallery-grid]');
    await page.keyboard.press(' ');
    await page.locator('[data-testid=gallery-thumb]').nth(1).click();
    expect(await page.locator('[data-testid=gallery-card][aria-selected=true]').count()).toBe(2);
    await page.click('[data-testid=compare-open]');
    await page.waitForFunction("document.querySelectorAll('[data-testid=compare-image]').length === 2");
    await page.waitForFunction("[...document.querySelectorAll('[data-testid=compare-image]')].every((img) => img.complete && img.naturalWidth > 0)");
    await page.focus('[data-testid=compare-view]');
    await page.keyboard.press('+');
    expect(await page.getAttribute('[data-testid=compare-view]', 'data-scale')).toBe('1.25');
    await page.locator('[data-testid=compare-view] [data-testid=approve]').first().click();
    await page.waitForSelector('[data-testid=compare-view] [data-testid=approve][aria-pressed=true]');
    await page.screenshot({ path: path.join(artifacts, '5-compare.png') });
    await page.click('[data-testid=compare-close]');

    // Every other page renders, in both languages' default (zh-CN).
    for (const name of ['jobs', 'farm', 'assets'] as const) {
      await page.click(`[data-testid=nav-${name}]`);
      await page.waitForSelector('main#main');
      if (name === 'jobs') {
        await page.click('[data-testid=job-row][data-status=succeeded]');
        await page.waitForSelector('[data-testid=job-status][data-status=succeeded]');
        await page.waitForSelector('[data-testid=rerun-form]');
      }
      if (name === 'farm') await page.waitForSelector('[data-testid=health-check]');
      await page.screenshot({ path: path.join(artifacts, `6-${name}.png`) });
    }
    expect(errors).toEqual([]);
  }, 120_000);
});
