import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExperimentSummary, ExperimentView, LaunchSkuPage, LaunchView } from '@shotfarm/shared';

type ExperimentList = { items: ExperimentSummary[]; total: number };
import { tables } from '@shotfarm/shared/db';
import { multipartFile, productPhotos, startFarm, waitFor, type Farm } from '../test/harness.ts';
import { fixturePhotoZip, launchForm, plainPhotos } from '../test/launch-form.ts';

/**
 * `plan.experiment`: once a SKU's renders are scored and picked, an A/B experiment on its main slot starts with the
 * picks as arms (in pick order), through the experiments service, as `POST /api/experiments` would start it.
 */
describe('a launch with plan.experiment', () => {
  let farm: Farm;

  beforeAll(async () => {
    farm = await startFarm({ TASK_ATTEMPTS: '1', LAUNCH_POLL_MS: '200' }, { listen: false });
  }, 60_000);
  afterAll(() => farm.close());

  it('starts an experiment on each picked SKU\'s main slot with its picks as the arms', async () => {
    await farm.startWorker(2);
    await farm.startScorer();
    const names = plainPhotos.slice(0, 3);
    const manifest = `sku,title,category,photos\n${names.map((n, i) => `X-${i + 1},Item ${i + 1},home,photos/${n}`).join('\n')}\n`;
    const form = launchForm(manifest, { recipes: [{ recipe: 'product-shot/studio-local', variants: 4 }], pick: 2, experiment: true }, await fixturePhotoZip(names));
    const res = await farm.inject({ method: 'POST', url: '/api/launches', payload: form.payload, headers: form.headers });
    expect(res.statusCode).toBe(201);
    const launchId = res.json().id as string;
    await waitFor(async () => {
      const v = (await farm.inject({ method: 'GET', url: `/api/launches/${launchId}` })).json() as LaunchView;
      return v.status === 'finished' ? v : undefined;
    }, 240_000, 250);

    const skus = ((await farm.inject({ method: 'GET', url: `/api/launches/${launchId}/skus` })).json() as LaunchSkuPage).items;
    const picked = skus.filter((s) => s.picks.filter((p) => p.slot === 'main').length >= 2);
    // Four variants of a plain product photo give at least one SKU two gate-passing, diverse picks.
    expect(picked.length).toBeGreaterThanOrEqual(1);
    for (const sku of skus) {
      const list = (await farm.inject({ method: 'GET', url: `/api/experiments?sku=${sku.sku}` })).json() as ExperimentList;
      const mainPicks = sku.picks.filter((p) => p.slot === 'main').sort((a, b) => a.rank - b.rank).map((p) => p.assetId);
      if (mainPicks.length < 2) {
        // One pick and no live image: no experiment (it needs two arms).
        expect(list.items).toEqual([]);
        expect(sku.experiment?.state).not.toBe('started');
        continue;
      }
      expect(list.items).toHaveLength(1);
      expect(list.items[0]).toMatchObject({ sku: sku.sku, slot: 'main', status: 'running', policy: 'thompson', autoPromote: false, armCount: mainPicks.length });
      const experiment = (await farm.inject({ method: 'GET', url: `/api/experiments/${list.items[0]!.id}` })).json() as ExperimentView;
      expect(experiment.arms.map((a) => a.assetId)).toEqual(mainPicks);
      expect(experiment.arms.every((a) => !a.control)).toBe(true);
      // The launch's SKU view says so, with the experiment's id (the Launches page shows it as a tag).
      expect(sku.experiment).toEqual({ state: 'started', id: experiment.id, error: null });
      // Started by the launch, on its creator's behalf, and audited as a start through the API is.
      const [row] = await farm.database.db.select().from(tables.experiments).where(eq(tables.experiments.id, experiment.id));
      expect(row!.createdBy).toBe(farm.admin.id);
      const audit = await farm.database.db.select().from(tables.auditEvents)
        .where(and(eq(tables.auditEvents.action, 'experiment.start'), eq(tables.auditEvents.targetId, experiment.id)));
      expect(audit).toHaveLength(1);
      expect(audit[0]!.details).toMatchObject({ sku: sku.sku, launchId, arms: mainPicks });
    }
  }, 300_000);

  it('with one pick, runs it against the slot\'s live image (the control)', async () => {
    const photo = await readFile(path.join(productPhotos, plainPhotos[4]!));
    const upload = await farm.inject({ method: 'POST', url: '/api/assets', ...multipartFile(photo, 'live.jpg', 'image/jpeg') });
    expect(upload.statusCode).toBe(201);
    const liveId = upload.json().id as string;
    expect((await farm.inject({ method: 'PUT', url: '/api/slots/L-1/main', payload: { assetId: liveId } })).statusCode).toBe(200);
    const names = plainPhotos.slice(0, 1);
    const form = launchForm(`sku,title,category,photos\nL-1,Live,home,photos/${names[0]}\n`,
      { recipes: [{ recipe: 'product-shot/studio-local', variants: 2 }], pick: 1, experiment: true }, await fixturePhotoZip(names));
    const res = await farm.inject({ method: 'POST', url: '/api/launches', payload: form.payload, headers: form.headers });
    expect(res.statusCode).toBe(201);
    const launchId = res.json().id as string;
    await waitFor(async () => {
      const v = (await farm.inject({ method: 'GET', url: `/api/launches/${launchId}` })).json() as LaunchView;
      return v.status === 'finished' ? v : undefined;
    }, 240_000, 250);
    const [sku] = ((await farm.inject({ method: 'GET', url: `/api/launches/${launchId}/skus` })).json() as LaunchSkuPage).items;
    expect(sku!.picks.map((p) => p.slot)).toEqual(['main']);
    const list = (await farm.inject({ method: 'GET', url: '/api/experiments?sku=L-1' })).json() as ExperimentList;
    expect(list.items).toHaveLength(1);
    const experiment = (await farm.inject({ method: 'GET', url: `/api/experiments/${list.items[0]!.id}` })).json() as ExperimentView;
    expect(experiment.arms.map((a) => [a.assetId, a.control])).toEqual([[liveId, true], [sku!.picks[0]!.assetId, false]]);
  }, 300_000);

  it('starts none when the plan does not ask for one', async () => {
    const names = plainPhotos.slice(3, 4);
    const manifest = `sku,title,category,photos\nN-1,Item,home,photos/${names[0]}\n`;
    const form = launchForm(manifest, { recipes: [{ recipe: 'product-shot/studio-local', variants: 4 }], pick: 2 }, await fixturePhotoZip(names));
    const res = await farm.inject({ method: 'POST', url: '/api/launches', payload: form.payload, headers: form.headers });
    expect(res.statusCode).toBe(201);
    const launchId = res.json().id as string;
    await waitFor(async () => {
      const v = (await farm.inject({ method: 'GET', url: `/api/launches/${launchId}` })).json() as LaunchView;
      return v.status === 'finished' ? v : undefined;
    }, 240_000, 250);
    const list = (await farm.inject({ method: 'GET', url: '/api/experiments?sku=N-1' })).json() as ExperimentList;
    expect(list.items).toEqual([]);
  }, 300_000);
});
