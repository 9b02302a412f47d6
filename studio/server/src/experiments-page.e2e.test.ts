import { randomUUID } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExperimentView, SlotView } from '@shotfarm/shared';
import { initialAdminPasswordFile } from './services/accounts/first-admin.ts';
import { multipartFile, plainProductPhoto, startFarm, waitFor, type Farm } from '../test/harness.ts';
import { artifactsDir, browserTestsCanRun, launchBrowser, logIn } from '../test/browser.ts';

const artifacts = artifactsDir('experiments-page');

/** Shoppers' events for one arm: `impressions` impressions of which `clicks` clicked, each by its own visitor. */
function traffic(sku: string, assetId: string, impressions: number, clicks: number) {
  const ts = new Date().toISOString();
  const events = [];
  for (let i = 0; i < impressions; i++) {
    const visitor = `v-${randomUUID()}`;
    events.push({ eventId: randomUUID(), type: 'impression', sku, slot: 'main', assetId, visitor, ts });
    if (i < clicks) events.push({ eventId: randomUUID(), type: 'click', sku, slot: 'main', assetId, visitor, ts });
  }
  return events;
}

/**
 * The 实验 / Experiments page in a real browser: an experiment over a real job's renders with skewed traffic shows its
 * arm table, decision and charts in zh-CN and en, and "promote the leader" (with its confirmation) moves the live image.
 */
describe.skipIf(!browserTestsCanRun)('the experiments page in a real browser', () => {
  let farm: Farm;
  let browser: Browser;
  let adminPassword: string;
  let experimentId: string;
  let arms: string[];
  const sku = `SKU-E2E-${randomUUID().slice(0, 6)}`;
  beforeAll(async () => {
    // A long cadence: the test drives the updater itself, so the page shows exactly what the test made.
    farm = await startFarm({ EXPERIMENT_UPDATE_S: '3600' }, { listen: true });
    adminPassword = (await readFile(path.join(farm.dataDir, initialAdminPasswordFile), 'utf8')).trim();
    await farm.startWorker(2);
    await mkdir(artifacts, { recursive: true });
    browser = await launchBrowser();
    const photo = await readFile(plainProductPhoto());
    const productId = (await farm.inject({ method: 'POST', url: '/api/assets', ...multipartFile(photo, 'vase.jpg') })).json().id;
    const { id } = (await farm.inject({ method: 'POST', url: '/api/jobs', payload: { type: 'product-shot', recipe: 'product-shot/studio-local', inputs: { product: productId }, variants: 3 } })).json();
    const job = await waitFor(async () => {
      const v = (await farm.inject({ method: 'GET', url: `/api/jobs/${id}` })).json();
      return v.status === 'succeeded' ? v : undefined;
    }, 90_000);
    arms = job.outputs.map((o: { assetId: string }) => o.assetId);
    const created = await farm.inject({ method: 'POST', url: '/api/experiments', payload: {
      sku, slot: 'main', arms, guardrails: { minImpressionsPerArm: 200, minClicksPerArm: 5, minRuntimeS: 0, maxRuntimeS: 86400 },
    } });
    expect(created.statusCode, created.body).toBe(201);
    experimentId = created.json().id;
    // Two periods of traffic in which the second render clearly wins, with the updater run after each.
    for (const round of [0, 1]) {
      const events = [
        ...traffic(sku, arms[0]!, 400, 8 + round),
        ...traffic(sku, arms[1]!, 400, 40 + round * 4),
        ...traffic(sku, arms[2]!, 400, 10),
      ];
      for (let i = 0; i < events.length; i += 1000) {
        const res = await farm.inject({ method: 'POST', url: '/events', payload: { events: events.slice(i, i + 1000) } });
        expect(res.statusCode, res.body).toBe(202);
      }
      await farm.app.experiments.updater.runOnce();
    }
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await farm?.close();
  });

  it('shows arms, decision and charts in both languages, and promoting the leader moves the live image', async () => {
    const before: ExperimentView = (await farm.inject({ method: 'GET', url: `/api/experiments/${experimentId}` })).json();
    expect(before.arms.map((a) => a.impressions)).toEqual([800, 800, 800]);
    const leader = before.arms.reduce((a, b) => (b.pBest > a.pBest ? b : a));
    expect(leader.assetId).toBe(arms[1]);

    const page = await browser.newPage({ viewport: { width: 1440, height: 1400 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${farm.baseUrl}/experiments`);
    await logIn(page, farm.admin.email, adminPassword);
    // From here on (the signed-out session probe before the login answers 401 by design) the console stays clean.
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    await page.click(`text=${sku} / main`);
    await page.waitForSelector('[data-testid=experiment-arms] tbody tr:nth-child(3)');
    await page.waitForSelector('[data-testid=experiment-weights-chart]');
    await page.waitForSelector('[data-testid=experiment-pBest-chart]');
    expect(await page.textContent('[data-testid=experiment-decision]')).toBe('可发布');
    // Every arm's thumbnail really loaded (a broken image has naturalWidth 0).
    await page.waitForFunction(`() => Array.from(document.querySelectorAll('[data-testid=experiment-arms] img')).every((i) => i.complete && i.naturalWidth > 0)`);
    const rows = await page.$$eval('[data-testid=experiment-arms] tbody tr', (trs) => trs.map((tr) => tr.textContent ?? ''));
    expect(rows[1]).toContain('800');
    expect(rows[1]).toContain('84'); // 40 + 44 clicks
    await page.screenshot({ path: path.join(artifacts, 'experiments-zh.png'), fullPage: true });

    await page.click('[data-testid=language-en]');
    await page.waitForSelector('html[lang=en]');
    expect(await page.textContent('[data-testid=experiment-decision]')).toBe('Ready');
    expect(await page.textContent('[data-testid=slot-card]')).toContain('Live image');
    await page.screenshot({ path: path.join(artifacts, 'experiments-en.png'), fullPage: true });

    // Promote the leader through its confirmation; the slot's live image becomes the winning render.
    await page.click('[data-testid=experiment-promote]');
    await page.click('.ant-popconfirm .ant-btn-primary');
    const slot = await waitFor(async () => {
      const s: SlotView = (await farm.inject({ method: 'GET', url: `/api/slots/${sku}/main` })).json();
      return s.live?.assetId === arms[1] ? s : undefined;
    }, 15_000);
    expect(slot.history[0]?.reason).toBe('experiment');
    await page.waitForFunction(`() => { const i = document.querySelector('[data-testid=slot-card] img'); return !!i && i.complete && i.naturalWidth > 0; }`);
    await page.screenshot({ path: path.join(artifacts, 'experiments-promoted-en.png'), fullPage: true });
    expect(errors).toEqual([]);
  }, 120_000);
});
