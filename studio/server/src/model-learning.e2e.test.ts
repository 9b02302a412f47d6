import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TrainWorker, readShippedModels } from '@shotfarm/scorer';
import type { AuditPage, ImageScore, ModelVersionList } from '@shotfarm/shared';
import { tables } from '@shotfarm/shared/db';
import { createStorage } from '@shotfarm/shared/storage';
import { multipartFile, plainProductPhoto, startFarm, waitFor, type Farm } from '../test/harness.ts';

/** A small seeded generator and a normal draw, so the logged clicks are the same on every run. */
function rng(seed: number) {
  let t = seed >>> 0;
  const next = () => {
    t = (t + 0x6d2b79f5) >>> 0;
    let r = Math.imul(t ^ (t >>> 15), 1 | t);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
  const normal = () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
  return { next, normal };
}

/**
 * Outside click logs in the training-data CSV: 30 products × 5 images × 12 days, features drawn around the shipped
 * model's training distribution, clicks binomial from σ(a_p + sign · w_v1 · z). sign = 1: shoppers click exactly as
 * ctr-v1 predicts (nothing to gain); sign = −1: the opposite (a retrained model must win).
 */
function clickLogCsv(meta: { featureNames: string[]; mean: number[]; std: number[]; weights: number[] }, sign: 1 | -1, seed: number): string {
  const r = rng(seed);
  const lines = [['day', 'sku', 'image', 'impressions', 'clicks', ...meta.featureNames.map((f) => `f_${f}`)].join(',')];
  for (let p = 0; p < 30; p++) {
    const offset = -3.4 + 0.4 * r.normal();
    for (let i = 0; i < 5; i++) {
      const z = meta.featureNames.map(() => r.normal());
      const x = z.map((v, j) => meta.mean[j]! + v * meta.std[j]!);
      const ctr = 1 / (1 + Math.exp(-(offset + sign * z.reduce((s, v, j) => s + v * meta.weights[j]!, 0))));
      for (let d = 0; d < 12; d++) {
        let clicks = 0;
        for (let n = 0; n < 300; n++) if (r.next() < ctr) clicks++;
        lines.push([`2026-10-${String(d + 1).padStart(2, '0')}`, `SHOP-${p}`, `img-${p}-${i}`, 300, clicks, ...x].join(','));
      }
    }
  }
  return `${lines.join('\n')}\n`;
}

describe('the learning loop: retrain, promote only when better, roll back without a restart', () => {
  let farm: Farm;
  let trainer: TrainWorker;
  beforeAll(async () => {
    farm = await startFarm();
    await farm.startScorer();
    trainer = new TrainWorker({ redisUrl: farm.redis.url, prefix: farm.config.queuePrefix, storage: await createStorage(farm.config.storage) });
    await trainer.start();
  }, 180_000);
  afterAll(async () => { await trainer?.close(); await farm?.close(); });

  const models = async () => (await farm.inject({ method: 'GET', url: '/api/models' })).json() as ModelVersionList;
  const statusOf = async (version: number) => (await models()).items.find((m) => m.version === version)?.status;
  const train = async () => {
    const res = await farm.inject({ method: 'POST', url: '/api/models/train', payload: { holdoutDays: 3 } });
    expect(res.statusCode, res.body).toBe(202);
    return farm.app.learning.retrain.wait(res.json().jobId, 120_000);
  };
  const importLogs = async (csv: string) => {
    await farm.database.db.delete(tables.trainingImports);
    const res = await farm.inject({ method: 'POST', url: '/api/training-data', headers: { 'content-type': 'text/csv' }, payload: csv });
    expect(res.statusCode, res.body).toBe(201);
  };
  let photoWidth = 700;
  /** A new image (new bytes, so a new asset) scored by the running scorer; answers the model version that scored it. */
  const scoreNewImage = async () => {
    const photo = await sharp(await readFile(plainProductPhoto())).resize(photoWidth++).jpeg().toBuffer();
    const upload = await farm.inject({ method: 'POST', url: '/api/assets', ...multipartFile(photo, 'vase.jpg') });
    const score = await waitFor(async () => {
      const res = await farm.inject({ method: 'GET', url: `/api/assets/${upload.json().id}/score` });
      return res.statusCode === 200 ? (res.json() as ImageScore) : undefined;
    }, 60_000);
    return score.ctr.modelVersion;
  };
  const scoreNewImageFully = async () => {
    const photo = await sharp(await readFile(plainProductPhoto())).resize(photoWidth++).jpeg().toBuffer();
    const upload = await farm.inject({ method: 'POST', url: '/api/assets', ...multipartFile(photo, 'vase.jpg') });
    return waitFor(async () => {
      const res = await farm.inject({ method: 'GET', url: `/api/assets/${upload.json().id}/score` });
      return res.statusCode === 200 ? (res.json() as ImageScore) : undefined;
    }, 60_000);
  };

  it('keeps a candidate that is no better than the active model on the held-out days, and refuses it without an override', async () => {
    const [v1] = await readShippedModels();
    const meta = v1!.metadata as { featureNames: string[]; mean: number[]; std: number[]; weights: number[] };
    await importLogs(clickLogCsv(meta, 1, 11));
    const outcome = await train();
    expect(outcome).toMatchObject({ version: 2, promoted: false, comparison: { decision: 'not-better', againstVersion: 1 } });
    expect(await statusOf(2)).toBe('candidate');
    expect(await statusOf(1)).toBe('active');
    const v2 = (await models()).items.find((m) => m.version === 2)!;
    expect(v2.card).toMatchObject({ trainedOn: 'clicks', dataWindow: { from: '2026-10-01', to: '2026-10-12' }, rows: 30 * 5 * 12 });
    const refused = await farm.inject({ method: 'POST', url: '/api/models/2/activate', payload: {} });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().code).toBe('SF_MODEL_NOT_BETTER');
    expect(await statusOf(1)).toBe('active');
    expect(await scoreNewImage()).toBe('ctr-v1');

    // Shadow: v2 scores every new image beside v1; both predictions are stored, v1's is the one served.
    const shadow = await farm.inject({ method: 'POST', url: '/api/models/2/shadow', payload: {} });
    expect(shadow.statusCode, shadow.body).toBe(200);
    expect(shadow.json()).toMatchObject({ status: 'shadow' });
    expect((await farm.inject({ method: 'POST', url: '/api/models/1/shadow', payload: {} })).json().code).toBe('SF_MODEL_IS_ACTIVE');
    const scored = await scoreNewImageFully();
    expect(scored.ctr.modelVersion).toBe('ctr-v1');
    expect(scored.ctr.shadow).toMatchObject({ modelVersion: 'ctr-v2' });
    expect(scored.ctr.shadow!.predicted).toBeGreaterThan(0);
    expect(scored.ctr.shadow!.predicted).not.toBe(scored.ctr.predicted);
    const inShadow = (await models()).items.find((m) => m.version === 2)!;
    expect(inShadow.shadow).toMatchObject({ images: 1, spearman: null });
    expect(inShadow.shadow!.meanShift).toBeCloseTo(scored.ctr.shadow!.predicted - scored.ctr.predicted, 6);
    expect((await models()).items.find((m) => m.version === 1)!.shadow).toBeNull();
  }, 240_000);

  it('promotes a candidate that is better with the interval excluding zero; rollback to v1 serves v1 again without a restart', async () => {
    const [v1] = await readShippedModels();
    await importLogs(clickLogCsv(v1!.metadata as never, -1, 12));
    const outcome = await train();
    expect(outcome).toMatchObject({ version: 3, promoted: true, comparison: { decision: 'better' } });
    const runs = await farm.app.learning.retrain.queue.getJobs(['completed']);
    const view = await farm.inject({ method: 'GET', url: `/api/models/train/${runs.find((j) => j.returnvalue?.version === 3)!.id}` });
    expect(view.json()).toMatchObject({ state: 'completed', outcome: { version: 3, promoted: true, decision: 'better' }, failedReason: null });
    expect(outcome.comparison.aucGainCi95[0]).toBeGreaterThan(0);
    expect(outcome.comparison.logLossGainCi95[0]).toBeGreaterThan(0);
    expect(await statusOf(3)).toBe('active');
    // The automatic promotion is audited with the evidence it rested on, on behalf of the admin who asked for the run.
    const promoteAudit = (await farm.inject({ method: 'GET', url: '/api/audit?action=model.promote' })).json() as AuditPage;
    expect(promoteAudit.items).toHaveLength(1);
    expect(promoteAudit.items[0]).toMatchObject({
      action: 'model.promote', targetType: 'model', targetId: 'ctr-v3', actorId: farm.admin.id,
      details: { from: 'ctr-v1', to: 'ctr-v3', trigger: 'train-request', decision: 'better' },
    });
    expect((promoteAudit.items[0]!.details as { aucGainCi95: number[] }).aucGainCi95[0]).toBeGreaterThan(0);
    expect(await statusOf(1)).toBe('retired');
    expect(await statusOf(2)).toBe('shadow'); // still scoring beside the new active version
    expect(await scoreNewImage()).toBe('ctr-v3');

    const rollback = await farm.inject({ method: 'POST', url: '/api/models/1/activate', payload: {} });
    expect(rollback.statusCode, rollback.body).toBe(200);
    expect(rollback.json()).toMatchObject({ modelVersion: 'ctr-v1', status: 'active', promotedBy: farm.admin.id });
    expect(await statusOf(3)).toBe('retired');
    expect(await scoreNewImage()).toBe('ctr-v1');
  }, 240_000);

  it('lets an admin force a candidate live, and audits the override', async () => {
    const forced = await farm.inject({ method: 'POST', url: '/api/models/2/activate', payload: { override: true } });
    expect(forced.statusCode, forced.body).toBe(200);
    expect(await statusOf(2)).toBe('active');
    const audit = (await farm.inject({ method: 'GET', url: '/api/audit?action=model.override' })).json() as AuditPage;
    expect(audit.items[0]).toMatchObject({ action: 'model.override', targetId: 'ctr-v2', actorId: farm.admin.id });
    const rollbackAudit = (await farm.inject({ method: 'GET', url: '/api/audit?action=model.rollback' })).json() as AuditPage;
    expect(rollbackAudit.items).toHaveLength(1);
    expect((await farm.inject({ method: 'POST', url: '/api/models/99/activate', payload: {} })).statusCode).toBe(404);
    expect((await farm.inject({ method: 'GET', url: '/api/models/train/nope' })).json().code).toBe('SF_MODEL_NOT_FOUND');
    // With no training data a run fails with its reason, and nothing changes.
    await farm.database.db.delete(tables.trainingImports);
    const empty = await farm.inject({ method: 'POST', url: '/api/models/train', payload: {} });
    await expect(farm.app.learning.retrain.wait(empty.json().jobId, 60_000)).rejects.toThrow(/SF_MODEL_TRAINING_DATA_SHORT/);
    expect((await farm.inject({ method: 'GET', url: `/api/models/train/${empty.json().jobId}` })).json()).toMatchObject({ state: 'failed', failedReason: expect.stringMatching(/^SF_MODEL_TRAINING_DATA_SHORT/) });
    expect((await farm.app.inject({ method: 'POST', url: '/api/models/1/activate', payload: {} })).statusCode).toBe(401);
    await farm.inject({ method: 'POST', url: '/api/models/1/activate', payload: {} });
  });
});
