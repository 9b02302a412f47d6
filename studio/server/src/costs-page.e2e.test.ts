import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initialAdminPasswordFile } from './services/accounts/first-admin.ts';
import { multipartFile, plainProductPhoto, startFarm, waitFor, type Farm } from '../test/harness.ts';
import { artifactsDir, browserTestsCanRun, launchBrowser, logIn } from '../test/browser.ts';

const artifacts = artifactsDir('costs-page');

/** The 成本 / Costs page and the Create page's budget line, in a real browser, against a farm that has spent something. */
describe.skipIf(!browserTestsCanRun)('the costs page in a real browser', () => {
  let farm: Farm;
  let browser: Browser;
  let adminPassword: string;
  beforeAll(async () => {
    farm = await startFarm({}, { listen: true });
    adminPassword = (await readFile(path.join(farm.dataDir, initialAdminPasswordFile), 'utf8')).trim();
    await farm.startWorker(2);
    await mkdir(artifacts, { recursive: true });
    browser = await launchBrowser();
    // Something to show: a job of three images, one approved (counted as live until the A/B live pointers exist).
    const photo = await readFile(plainProductPhoto());
    const productId = (await farm.inject({ method: 'POST', url: '/api/assets', ...multipartFile(photo, 'vase.jpg') })).json().id;
    const { id } = (await farm.inject({ method: 'POST', url: '/api/jobs', payload: { type: 'product-shot', recipe: 'product-shot/studio-local', inputs: { product: productId }, variants: 3 } })).json();
    const job = await waitFor(async () => {
      const v = (await farm.inject({ method: 'GET', url: `/api/jobs/${id}` })).json();
      return v.status === 'succeeded' ? v : undefined;
    }, 60_000);
    await farm.inject({ method: 'POST', url: `/api/assets/${job.outputs[0].assetId}/review`, payload: { verdict: 'approve' } });
    await farm.inject({ method: 'PUT', url: '/api/budgets/daily', payload: { milliFen: 50_000 } });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await farm?.close();
  });

  it('shows ¥ per live image against the target, the chart, sortable tables and the admin editors, in zh-CN and en', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1600 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${farm.baseUrl}/costs`);
    await logIn(page, farm.admin.email, adminPassword);
    await page.waitForSelector('[data-testid=cost-table-total]');
    await page.waitForSelector('[data-testid=cost-chart]');
    await page.waitForSelector('[data-testid=price-book-editor]');
    const total = (await farm.inject({ method: 'GET', url: '/api/costs?groupBy=recipe' })).json().total;
    expect(total.live).toBe(1);
    expect(await page.textContent('[data-testid=cost-per-live]')).toContain('每张上线图成本');
    expect(await page.textContent('[data-testid=cost-target-tag]')).toBe('达标');
    expect(await page.textContent('[data-testid=cost-daily-budget]')).toContain('每日额度 ¥0.50');
    expect(await page.getAttribute('[data-testid=cost-csv]', 'href')).toMatch(/^\/api\/costs\.csv\?groupBy=recipe/);
    await page.screenshot({ path: path.join(artifacts, 'costs-zh.png'), fullPage: true });

    await page.click('[data-testid=language-en]');
    await page.waitForSelector('html[lang=en]');
    expect(await page.textContent('[data-testid=cost-per-live]')).toContain('Cost per live image');
    await page.screenshot({ path: path.join(artifacts, 'costs-en.png'), fullPage: true });

    // The Create page prices a job with the same book and says what is left of today's cap.
    await page.goto(`${farm.baseUrl}/`);
    await page.waitForSelector('[data-testid=estimate]');
    expect(await page.textContent('[data-testid=budget-left]')).toMatch(/left of today's spending cap/);
    await page.screenshot({ path: path.join(artifacts, 'create-budget-en.png') });
    expect(errors).toEqual([]);
  }, 120_000);
});
