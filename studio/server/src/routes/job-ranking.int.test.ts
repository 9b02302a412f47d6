import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId, type ImageScore } from '@shotfarm/shared';
import { tables } from '@shotfarm/shared/db';
import { startFarm, type Farm } from '../../test/harness.ts';

// The ranking reads each output's newest score in one query: these rows pin down what "newest" and the counts mean.
describe('GET /api/jobs/:id/ranking', () => {
  let farm: Farm;
  beforeAll(async () => { farm = await startFarm(); }, 120_000);
  afterAll(() => farm.close());

  it('ranks by each output\'s newest score, counting unscored outputs as pending and gate failures apart', async () => {
    const db = farm.database.db;
    const jobId = newId();
    await db.insert(tables.jobs).values({ id: jobId, type: 'product-shot', recipeId: 'product-shot/studio-local', recipeVersion: 1, status: 'succeeded',
      params: {}, inputs: {}, variants: 4, priority: 5 });
    const output = (n: number) => ({ id: newId(), kind: 'output' as const, mime: 'image/jpeg' as const, width: 800, height: 800, bytes: 1000,
      sha256: String(n).repeat(64), key: `outputs/${jobId}/t${n}/${String(n).repeat(64)}.jpg`, thumbKey: null, jobId });
    const [rescored, failing, unscored, second] = [output(1), output(2), output(3), output(4)];
    await db.insert(tables.assets).values([rescored, failing, unscored, second]);
    const score = (assetId: string, modelVersion: string, ctr: number, gatesPassed: string[], createdAt: Date, phash: string) => ({
      id: newId(), assetId, modelVersion, quality: 0.8, ctr, phash, gatesPassed, result: {} as ImageScore, scoreMs: 10, createdAt,
    });
    const old = new Date(Date.now() - 60_000);
    const now = new Date();
    await db.insert(tables.scores).values([
      // Re-scored by a newer model: the new CTR (0.01) must count, not the old 0.9.
      score(rescored.id, 'ctr-v1', 0.9, ['taobao-main'], old, '0000000000000000'),
      score(rescored.id, 'ctr-v2', 0.01, ['taobao-main'], now, '0000000000000000'),
      // Passed the gate under the old model only: the newest verdict is a failure.
      score(failing.id, 'ctr-v1', 0.5, ['taobao-main'], old, 'ffffffffffffffff'),
      score(failing.id, 'ctr-v2', 0.5, [], now, 'ffffffffffffffff'),
      score(second.id, 'ctr-v2', 0.2, ['taobao-main', 'amazon-main'], now, 'ffff0000ffff0000'),
    ]);

    const res = await farm.inject({ method: 'GET', url: `/api/jobs/${jobId}/ranking?k=4&profile=taobao-main&minDistance=0` });
    expect(res.statusCode).toBe(200);
    const ranking = res.json() as { pending: number; gateFailed: number; picks: { assetId: string; rank: number; ctr: number }[] };
    expect(ranking.pending).toBe(1);
    expect(ranking.gateFailed).toBe(1);
    expect(ranking.picks.map((p) => [p.assetId, p.rank, p.ctr])).toEqual([[second.id, 1, 0.2], [rescored.id, 2, 0.01]]);
  });

  it('refuses an unknown profile (422, SF_GATE_PROFILE_UNKNOWN) and an unknown job (404)', async () => {
    const unknownProfile = await farm.inject({ method: 'GET', url: `/api/jobs/${newId()}/ranking?profile=nope` });
    expect(unknownProfile.statusCode).toBe(422);
    expect(unknownProfile.json().code).toBe('SF_GATE_PROFILE_UNKNOWN');
    const unknownJob = await farm.inject({ method: 'GET', url: `/api/jobs/${newId()}/ranking` });
    expect(unknownJob.statusCode).toBe(404);
  });
});
