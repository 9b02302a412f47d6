import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TrainWorker } from '@shotfarm/scorer';
import { newId, type AuditPage, type ImageScore, type ModelVersionList, type QualityLabelStatus } from '@shotfarm/shared';
import { tables } from '@shotfarm/shared/db';
import { SeededRandom } from '@shotfarm/shared/random';
import { createStorage } from '@shotfarm/shared/storage';
import { multipartFile, plainProductPhoto, startFarm, waitFor, type Farm } from '../../../test/harness.ts';

const minLabels = 100;

/**
 * The learned quality head through the real API, queue and trainer (issue 17): designers review scored outputs; with
 * fewer labels than QUALITY_HEAD_MIN_LABELS nothing is trained; with enough labels that follow a signal in the
 * features the head is trained, beats the composite on held-out products, is promoted (audited), and the scorer
 * uses it for the quality score of the next image without a restart.
 */
describe('the learned quality head from designers\' labels', () => {
  let farm: Farm;
  let trainer: TrainWorker;
  let photoWidth = 640;
  /** A new photo scored by the running scorer, through the API. */
  const scoreNewPhoto = async (): Promise<ImageScore> => {
    const photo = await sharp(await readFile(plainProductPhoto())).resize(photoWidth++).jpeg().toBuffer();
    const upload = await farm.inject({ method: 'POST', url: '/api/assets', ...multipartFile(photo, 'vase.jpg') });
    return waitFor(async () => {
      const r = await farm.inject({ method: 'GET', url: `/api/assets/${upload.json().id}/score` });
      return r.statusCode === 200 ? (r.json() as ImageScore) : undefined;
    }, 90_000);
  };
  /** A real photo's stored features: the reviewed outputs below are variations of it. */
  let realFeatures: Record<string, number>;
  beforeAll(async () => {
    farm = await startFarm({ QUALITY_HEAD_MIN_LABELS: String(minLabels) });
    trainer = new TrainWorker({ redisUrl: farm.redis.url, prefix: farm.config.queuePrefix, storage: await createStorage(farm.config.storage) });
    await trainer.start();
    await farm.startScorer();
    const first = await scoreNewPhoto();
    expect(first.quality.modelVersion).toBeUndefined(); // no learned head yet: the composite
    realFeatures = first.features;
  }, 180_000);
  afterAll(async () => { await trainer?.close(); await farm?.close(); });

  const rng = new SeededRandom(7, 'quality-head-int');
  let product = 0;
  /** One product's job with `n` scored outputs; answers the outputs' ids and whether a designer would approve each. */
  const scoredOutputs = async (n: number): Promise<{ id: string; approve: boolean }[]> => {
    const db = farm.database.db;
    const jobId = newId();
    await db.insert(tables.jobs).values({ id: jobId, type: 'product-shot', recipeId: 'product-shot/studio-local', recipeVersion: 1, status: 'succeeded',
      params: {}, inputs: {}, variants: n, priority: 5, sku: `SKU-${product++}` });
    const leniency = rng.normal(0, 0.7);
    const out: { id: string; approve: boolean }[] = [];
    for (let i = 0; i < n; i++) {
      const id = newId();
      const sha = newId().replaceAll('-', '').padEnd(64, '0');
      await db.insert(tables.assets).values({ id, kind: 'output', mime: 'image/jpeg', width: 800, height: 800, bytes: 1000, sha256: sha, key: `outputs/q/${sha}.jpg`, thumbKey: null, jobId });
      // The real photo's features, each jittered by up to ±30%, with a border and text share that vary widely.
      const features: Record<string, number> = Object.fromEntries(Object.entries(realFeatures).map(([f, x]) => [f, x * rng.uniform(0.7, 1.3)]));
      Object.assign(features, { borderWhiteRatio: rng.uniform(0, 1), textAreaRatio: rng.uniform(0, 1) });
      await db.insert(tables.scores).values({ id: newId(), assetId: id, modelVersion: 'ctr-v1', quality: 0.5, ctr: 0.05, phash: '0000000000000000', gatesPassed: [],
        result: { features } as unknown as ImageScore, scoreMs: 1 });
      // Designers here reward a white border and little text: what the composite does not read.
      out.push({ id, approve: rng.bernoulli(1 / (1 + Math.exp(-(leniency + 4 * (features.borderWhiteRatio! - 0.5) - 3 * (features.textAreaRatio! - 0.5))))) });
    }
    return out;
  };
  const review = async (outputs: { id: string; approve: boolean }[]) => {
    for (const o of outputs) {
      const res = await farm.inject({ method: 'POST', url: `/api/assets/${o.id}/review`, payload: { verdict: o.approve ? 'approve' : 'reject' } });
      expect(res.statusCode, res.body).toBe(201);
    }
  };
  const labelStatus = async () => {
    const res = await farm.inject({ method: 'GET', url: '/api/models/quality-labels' });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as QualityLabelStatus;
  };
  const qualityVersions = async () => ((await farm.inject({ method: 'GET', url: '/api/models?name=quality' })).json() as ModelVersionList).items;

  it('trains nothing with fewer labels than the minimum, and says how many there are and how many are needed', async () => {
    for (let p = 0; p < 5; p++) await review(await scoredOutputs(10));
    // A verdict changed later counts once, as the latest; an output reviewed before it was scored is no label yet.
    const [first] = await farm.database.db.select({ id: tables.assetReviews.assetId }).from(tables.assetReviews).limit(1);
    await farm.inject({ method: 'POST', url: `/api/assets/${first!.id}/review`, payload: { verdict: 'reject' } });
    const unscored = newId();
    await farm.database.db.insert(tables.assets).values({ id: unscored, kind: 'output', mime: 'image/jpeg', width: 8, height: 8, bytes: 10, sha256: 'e'.repeat(64), key: `outputs/q/${'e'.repeat(64)}.jpg`, thumbKey: null, jobId: null });
    await review([{ id: unscored, approve: true }]);

    const status = await labelStatus();
    expect(status).toMatchObject({ labels: 50, needed: minLabels, activeVersion: null });
    expect(status.approved + status.rejected).toBe(50);
    const refused = await farm.inject({ method: 'POST', url: '/api/models/train', payload: { name: 'quality' } });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().code).toBe('SF_MODEL_TRAINING_DATA_SHORT');
    expect(refused.json().message).toMatch(/50 designer label.*needs 100/);
    // Even a run queued past the route (the schedule, a race) trains nothing.
    await expect(farm.app.learning.retrain.run({ name: 'quality', holdoutDays: 7, promote: true, requestedBy: null })).rejects.toThrow(/SF_MODEL_TRAINING_DATA_SHORT/);
    expect(await qualityVersions()).toEqual([]);
  }, 120_000);

  it('with enough labels that follow a signal, trains a head that beats the composite, promotes it, and the scorer uses it', async () => {
    for (let p = 0; p < 35; p++) await review(await scoredOutputs(10));
    expect((await labelStatus()).labels).toBe(400);
    const res = await farm.inject({ method: 'POST', url: '/api/models/train', payload: { name: 'quality' } });
    expect(res.statusCode, res.body).toBe(202);
    const outcome = await farm.app.learning.retrain.wait(res.json().jobId, 120_000);
    expect(outcome, JSON.stringify(outcome.comparison)).toMatchObject({ version: 1, promoted: true });
    expect(outcome.comparison).toMatchObject({ againstVersion: 0, decision: 'better' });
    expect(outcome.comparison.aucGainCi95[0]).toBeGreaterThan(0);

    const [head] = await qualityVersions();
    expect(head).toMatchObject({ modelVersion: 'quality-v1', status: 'active' });
    expect(head!.card.trainedOn).toBe('labels');
    expect(head!.card.comparison!.againstVersion).toBe(0);
    expect(head!.card).toMatchObject({ rows: 400, impressions: 400 }); // one verdict per output, each held out once
    expect((await labelStatus()).activeVersion).toBe('quality-v1');
    const audit = (await farm.inject({ method: 'GET', url: '/api/audit?action=model.promote' })).json() as AuditPage;
    expect(audit.items.some((e) => e.targetId === 'quality-v1' && e.details?.from === 'quality-composite')).toBe(true);

    // The running scorer reads the head through the same pointer path as the CTR model (no restart): the next image's
    // quality is the head's, with the composite kept beside it.
    const score = await scoreNewPhoto();
    expect(score.quality.modelVersion).toBe('quality-v1');
    expect(score.quality.composite).toBeGreaterThan(0);
    expect(score.quality.score).not.toBe(score.quality.composite);

    // Back to the composite in one call (audited), again without a restart; the head is retired, so it can be rolled back to.
    const back = await farm.inject({ method: 'POST', url: '/api/models/quality/deactivate' });
    expect(back.statusCode, back.body).toBe(200);
    expect((back.json() as QualityLabelStatus).activeVersion).toBeNull();
    expect((await qualityVersions())[0]!.status).toBe('retired');
    expect((await scoreNewPhoto()).quality.modelVersion).toBeUndefined();
    const rollback = (await farm.inject({ method: 'GET', url: '/api/audit?action=model.rollback' })).json() as AuditPage;
    expect(rollback.items.some((e) => e.targetId === 'quality-v1' && e.details?.to === 'quality-composite')).toBe(true);
    const again = await farm.inject({ method: 'POST', url: '/api/models/1/activate', payload: { name: 'quality' } });
    expect(again.statusCode, again.body).toBe(200);
    expect((await scoreNewPhoto()).quality.modelVersion).toBe('quality-v1');
  }, 300_000);
});
