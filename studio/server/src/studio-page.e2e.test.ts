import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webDistDir } from './plugins/web.ts';
import { plainProductPhoto, startFarm, waitFor, type Farm } from '../test/harness.ts';

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

  it('upload a product photo → submit 4 variants → watch it finish → see 4 outputs; switch to English and back; gallery → compare two → approve one; every page; a second job from the library picker', async () => {
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
    const firstJobId = new URL(page.url()).searchParams.get('job');
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

    // A second job whose input is picked from the asset library (the photo uploaded above), not uploaded again.
    const uploads = (await farm.app.inject({ method: 'GET', url: '/api/assets?kind=upload' })).json();
    expect(uploads.items).toHaveLength(1);
    const photoId: string = uploads.items[0].id;
    await page.click('[data-testid=nav-create]');
    // The first input slot is the product photo's.
    await page.locator('[data-testid=library-pick]').first().click();
    const pick = `[data-testid=library-picker] [data-asset="${photoId}"]`;
    await page.waitForSelector(`${pick} img`);
    await page.waitForFunction(`[...document.querySelectorAll('[data-testid=library-picker] img')].every((img) => img.complete && img.naturalWidth > 0)`);
    // Finished: a screenshot taken while the modal still zooms in shows it half transparent.
    await page.screenshot({ path: path.join(artifacts, '7-library-picker.png'), animations: 'disabled' });
    await page.click(pick);
    await page.waitForSelector('[data-testid=library-picker]', { state: 'detached' });
    await page.waitForSelector('[data-testid=upload-meta]');
    await page.fill('[data-testid=variants-input]', '2');
    await page.click('[data-testid=submit-job]');
    // Wait for the URL to name the new job, then for that job's own panel: for a frame after the URL changes,
    // the previous job's panel, succeeded, may still be on screen.
    await page.waitForURL((url) => ![null, firstJobId].includes(url.searchParams.get('job')));
    const pickedJobId = new URL(page.url()).searchParams.get('job');
    await page.waitForSelector(`[data-testid=job-panel][data-job-id="${pickedJobId}"] [data-testid=job-status][data-status=succeeded]`, { timeout: 60_000 });
    await page.waitForFunction("document.querySelectorAll('[data-testid=output-image]').length === 2");
    await page.waitForFunction("[...document.querySelectorAll('[data-testid=output-image]')].every((img) => img.complete && img.naturalWidth > 0)");
    await page.screenshot({ path: path.join(artifacts, '8-library-job-done.png'), fullPage: true });
    const picked = (await farm.app.inject({ method: 'GET', url: `/api/jobs/${pickedJobId}` })).json();
    expect(picked).toMatchObject({ status: 'succeeded', variants: 2, inputs: { product: photoId } });
    expect(picked.outputs).toHaveLength(2);

    // A sweep over the scene (every option, one image each), then its grid in the gallery with the values on the axis.
    await page.fill('[data-testid=variants-input]', '1');
    await page.click('[data-testid=sweep-toggle]');
    await page.click('[data-testid=sweep-param]');
    await page.click('.ant-select-item-option[title=场景]');
    await page.waitForSelector('[data-testid=sweep-summary]');
    expect(await page.textContent('[data-testid=sweep-summary]')).toBe('4 个组合 × 每组 1 张 = 4 张');
    expect(await page.textContent('[data-testid=estimate]')).toMatch(/^共 4 张/);
    await page.screenshot({ path: path.join(artifacts, '9-sweep-form.png'), fullPage: true });
    await page.click('[data-testid=submit-job]');
    await page.waitForURL((url) => ![null, pickedJobId].includes(url.searchParams.get('job')));
    const sweepJobId = new URL(page.url()).searchParams.get('job');
    await page.waitForSelector(`[data-testid=job-panel][data-job-id="${sweepJobId}"] [data-testid=job-status][data-status=succeeded]`, { timeout: 60_000 });
    await page.click('[data-testid=job-gallery-link]');
    await page.waitForSelector('[data-testid=sweep-grid]');
    const columns = page.locator('[data-testid=sweep-col]');
    expect(await columns.evaluateAll((ths) => ths.map((th) => th.getAttribute('data-value')))).toEqual(['"auto"', '"solid"', '"gradient"', '"studio-sweep"']);
    // Headed in the page's language, as the parameter form names the values.
    expect(await columns.nth(1).textContent()).toBe('纯色背景');
    await page.waitForFunction("[...document.querySelectorAll('[data-testid=sweep-cell] img')].length === 4 && [...document.querySelectorAll('[data-testid=sweep-cell] img')].every((img) => img.complete && img.naturalWidth > 0)");
    await page.screenshot({ path: path.join(artifacts, '10-sweep-grid.png') });

    // The whole gallery, best quality first: the server sorts, the page shows it in that order (once all are scored,
    // or a late score would land an image out of the order it was listed in).
    await waitFor(async () => ((await farm.app.inject({ method: 'GET', url: '/api/assets?kind=output&gate=pending' })).json().items.length === 0 ? true : undefined), 60_000, 250);
    await page.click('[data-testid=gallery-job-filter] .ant-tag-close-icon');
    await page.click('[data-testid=gallery-sort]');
    await page.click('.ant-select-item-option[title=质量分最高]');
    await page.waitForURL(/sort=quality/);
    await page.waitForSelector('.ant-select-dropdown', { state: 'hidden' });
    await page.waitForFunction("document.querySelectorAll('[data-testid=gallery-card] [data-testid=quality-score]').length === 10", undefined, { timeout: 60_000 });
    const qualities = (await page.locator('[data-testid=quality-score]').allTextContents()).map((s) => Number(s.replace(/\D/g, '')));
    expect(qualities).toEqual([...qualities].sort((a, b) => b - a));
    await page.screenshot({ path: path.join(artifacts, '11-gallery-by-quality.png') });
    expect(errors).toEqual([]);
  }, 240_000);
});
