import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImageScore } from '@shotfarm/shared';
import { readShippedModels } from '@shotfarm/scorer/models';
import { multipartFile, plainProductPhoto, startFarm, waitFor, type Farm } from '../test/harness.ts';

describe('scoring in the farm', () => {
  let farm: Farm;
  beforeAll(async () => {
    farm = await startFarm();
    await farm.startWorker(2);
    await farm.startScorer();
  });
  afterAll(() => farm.close());

  const score = (assetId: string) => farm.inject({ method: 'GET', url: `/api/assets/${assetId}/score` });
  const scored = (assetId: string): Promise<ImageScore> => waitFor(async () => {
    const res = await score(assetId);
    return res.statusCode === 200 ? (res.json() as ImageScore) : undefined;
  }, 60_000, 100);

  it('scores an upload: gates with measured values, features, quality, predicted CTR with the model version', async () => {
    const upload = await farm.inject({ method: 'POST', url: '/api/assets', ...multipartFile(await readFile(plainProductPhoto()), 'vase.jpg') });
    const s = await scored(upload.json().id);
    expect(Object.keys(s.gate).sort()).toEqual(['amazon-main', 'pdd-main', 'taobao-main', 'taobao-white']);
    for (const g of Object.values(s.gate)) {
      expect(g.rules.length).toBeGreaterThan(0);
      expect(g.pass).toBe(g.rules.every((r) => r.pass));
    }
    expect(s.features.widthPx).toBe(upload.json().width);
    expect(s.quality.score).toBeGreaterThan(0);
    expect(s.quality.score).toBeLessThanOrEqual(1);
    expect(s.ctr).toMatchObject({ modelVersion: 'ctr-v1' });
    expect(s.ctr.predicted).toBeGreaterThan(0);
    expect(s.phash).toMatch(/^[0-9a-f]{16}$/);
    expect(s.fidelity).toBeUndefined();
  });

  it('scores every output against its product, ranks the job, and keeps reviews as labels', async () => {
    const upload = await farm.inject({ method: 'POST', url: '/api/assets', ...multipartFile(await readFile(plainProductPhoto()), 'vase.jpg') });
    const { id } = (await farm.inject({ method: 'POST', url: '/api/jobs',
      payload: { type: 'product-shot', recipe: 'product-shot/studio-local', inputs: { product: upload.json().id }, variants: 4 } })).json();
    const job = await waitFor(async () => {
      const j = (await farm.inject({ method: 'GET', url: `/api/jobs/${id}` })).json();
      return j.status === 'succeeded' ? j : undefined;
    });
    const scores = await Promise.all(job.outputs.map((o: { assetId: string }) => scored(o.assetId)));
    for (const s of scores) {
      // A composite keeps the product's own pixels: fidelity must be high and nothing flagged.
      expect(s.fidelity?.flagged).toBe(false);
      expect(s.gate['taobao-main']?.rules.length).toBeGreaterThan(0);
    }
    const ranking = (await farm.inject({ method: 'GET', url: `/api/jobs/${id}/ranking?k=4&profile=taobao-main&minDistance=0` })).json();
    expect(ranking.pending).toBe(0);
    expect(ranking.picks.length + ranking.gateFailed).toBe(4);
    const ctrs = ranking.picks.map((p: { ctr: number }) => p.ctr);
    expect(ctrs).toEqual([...ctrs].sort((a, b) => b - a));
    expect((await farm.inject({ method: 'GET', url: `/api/jobs/${id}/ranking?profile=nope` })).json().code).toBe('SF_GATE_PROFILE_UNKNOWN');

    const review = await farm.inject({ method: 'POST', url: `/api/assets/${job.outputs[0].assetId}/review`, payload: { verdict: 'approve' } });
    expect(review.statusCode).toBe(201);
    expect(review.json()).toMatchObject({ verdict: 'approve', reason: null });
    const bad = await farm.inject({ method: 'POST', url: `/api/assets/${job.outputs[0].assetId}/review`, payload: { verdict: 'love-it' } });
    expect(bad.statusCode).toBe(422);
  });

  it('switches the CTR model without restarting the scorer worker', async () => {
    const [v1] = await readShippedModels();
    await farm.app.farm.models.register({ ...v1!, version: 2, metadata: { ...v1!.metadata, note: 'same weights, new version' } });
    await farm.app.farm.models.activate('ctr', 2);
    // A new image (other bytes, so a new asset), scored by the same worker process under the new version.
    const photo = await sharp(await readFile(plainProductPhoto())).resize(900).jpeg().toBuffer();
    const upload = await farm.inject({ method: 'POST', url: '/api/assets', ...multipartFile(photo, 'vase-900.jpg') });
    expect((await scored(upload.json().id)).ctr.modelVersion).toBe('ctr-v2');
    await farm.app.farm.models.activate('ctr', 1);
  });
});
