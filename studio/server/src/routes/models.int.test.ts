import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId, type AssetList, type ImageScore, type JobRanking, type ModelVersionList } from '@shotfarm/shared';
import { tables } from '@shotfarm/shared/db';
import { loadConfig } from '@shotfarm/shared/config';
import { tmpdir } from 'node:os';
import { startFarm, type Farm } from '../../test/harness.ts';

describe('honest numbers: the model card and the relative click appeal', () => {
  let farm: Farm;
  beforeAll(async () => { farm = await startFarm(); }, 120_000);
  afterAll(() => farm.close());

  it('GET /api/models says the shipped ctr-v1 is active and was trained on the simulator', async () => {
    const res = await farm.inject({ method: 'GET', url: '/api/models?name=ctr' });
    expect(res.statusCode).toBe(200);
    const { items } = res.json() as ModelVersionList;
    const v1 = items.find((m) => m.version === 1)!;
    expect(v1).toMatchObject({ modelVersion: 'ctr-v1', status: 'active', promotedBy: null });
    expect(v1.card.trainedOn).toBe('simulator');
    expect(v1.card.data).toMatch(/SIMULATED/);
    expect(v1.card.metrics!.withinProductAucCi95[0]).toBeLessThan(v1.card.metrics!.withinProductAuc);
    const anonymous = await farm.app.inject({ method: 'GET', url: '/api/models' });
    expect(anonymous.statusCode).toBe(401);
  });

  it('answers each output\'s CTR relative to the mean of its product\'s candidates, in the library and the ranking', async () => {
    const db = farm.database.db;
    const product = { id: newId(), kind: 'upload' as const, mime: 'image/jpeg' as const, width: 800, height: 800, bytes: 1000, sha256: 'a'.repeat(64), key: `uploads/${'a'.repeat(64)}.jpg`, thumbKey: null, jobId: null };
    await db.insert(tables.assets).values(product);
    // Two jobs from the same product photo: their outputs are one product's candidates.
    const jobIds = [newId(), newId()];
    for (const id of jobIds) {
      await db.insert(tables.jobs).values({ id, type: 'product-shot', recipeId: 'product-shot/studio-local', recipeVersion: 1, status: 'succeeded',
        params: {}, inputs: { product: product.id }, variants: 2, priority: 5 });
    }
    const outputs = [0, 1, 2].map((n) => ({ id: newId(), kind: 'output' as const, mime: 'image/jpeg' as const, width: 800, height: 800, bytes: 1000,
      sha256: String(n + 1).repeat(64), key: `outputs/x/t${n}/${String(n + 1).repeat(64)}.jpg`, thumbKey: null, jobId: jobIds[n === 2 ? 1 : 0]! }));
    await db.insert(tables.assets).values(outputs);
    const ctrs = [0.1, 0.2, 0.6];
    const old = new Date(Date.now() - 60_000);
    await db.insert(tables.scores).values([
      // An older score of the first output must not count: only each output's newest does.
      { id: newId(), assetId: outputs[0]!.id, modelVersion: 'ctr-v0', quality: 0.5, ctr: 0.9, phash: '0000000000000000', gatesPassed: ['taobao-main'], result: { gate: {} } as unknown as ImageScore, scoreMs: 1, createdAt: old },
      ...outputs.map((o, i) => ({ id: newId(), assetId: o.id, modelVersion: 'ctr-v1', quality: 0.5, ctr: ctrs[i]!, phash: ['0000000000000000', 'ffffffffffffffff', '00000000ffffffff'][i]!,
        gatesPassed: ['taobao-main'], result: { gate: {} } as unknown as ImageScore, scoreMs: 1 })),
    ]);
    const mean = (0.1 + 0.2 + 0.6) / 3;

    const list = (await farm.inject({ method: 'GET', url: '/api/assets?kind=output&limit=50' })).json() as AssetList;
    const relativeOf = new Map(list.items.map((a) => [a.id, a.score?.ctrRelative]));
    outputs.forEach((o, i) => expect(relativeOf.get(o.id)).toBeCloseTo(ctrs[i]! / mean, 10));

    // The ranking compares a job's picks with that job's own scored outputs.
    const ranking = (await farm.inject({ method: 'GET', url: `/api/jobs/${jobIds[0]}/ranking?k=4&minDistance=0` })).json() as JobRanking;
    expect(ranking.picks.map((p) => [p.assetId, p.ctrRelative])).toEqual([[outputs[1]!.id, 0.2 / 0.15], [outputs[0]!.id, 0.1 / 0.15]].map(([id, r]) => [id, expect.closeTo(r as number, 10)]));
  });
});

describe('retraining on a schedule', () => {
  it('is off by default, and MODEL_RETRAIN_CRON schedules it', async () => {
    const plain = await startFarm();
    try {
      expect(await plain.app.learning.retrain.queue.getJobSchedulers()).toEqual([]);
    } finally { await plain.close(); }
    const nightly = await startFarm({ MODEL_RETRAIN_CRON: '0 3 * * *' });
    try {
      const schedulers = await nightly.app.learning.retrain.queue.getJobSchedulers();
      expect(schedulers).toHaveLength(1);
      expect(schedulers[0]).toMatchObject({ pattern: '0 3 * * *' });
    } finally { await nightly.close(); }
    expect(() => loadConfig({ MODEL_RETRAIN_CRON: 'every night' }, tmpdir())).toThrow(/MODEL_RETRAIN_CRON/);
  }, 120_000);
});
