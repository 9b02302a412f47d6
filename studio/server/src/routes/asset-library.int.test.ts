import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId, type AssetListItem, type AssetView, type ImageScore } from '@shotfarm/shared';
import { tables } from '@shotfarm/shared/db';
import { multipartFile, startFarm, type Farm } from '../../test/harness.ts';

/** A small distinct JPEG per colour, so each upload is its own asset (same bytes would dedupe). */
const swatch = (r: number) => sharp({ create: { width: 40, height: 30, channels: 3, background: { r, g: 90, b: 140 } } }).jpeg().toBuffer();

describe('GET /api/assets', () => {
  let farm: Farm;
  const uploads: AssetView[] = [];
  const outputIds: string[] = [];
  let jobId: string;

  beforeAll(async () => {
    farm = await startFarm();
    for (const r of [10, 80, 160]) {
      const res = await farm.inject({ method: 'POST', url: '/api/assets', ...multipartFile(await swatch(r), `s${r}.jpg`, 'image/jpeg') });
      expect(res.statusCode).toBe(201);
      uploads.push(res.json());
    }
    // Outputs as a render task records them: a job, its tasks, and one asset row each.
    jobId = newId();
    const db = farm.database.db;
    await db.insert(tables.jobs).values({ id: jobId, type: 'product-shot', recipeId: 'product-shot/test', recipeVersion: 1, status: 'succeeded', params: {}, inputs: {}, variants: 2, priority: 5 });
    for (const index of [0, 1]) {
      const taskId = newId();
      await db.insert(tables.tasks).values({ id: taskId, jobId, index, status: 'succeeded', params: { seed: index }, seed: index });
      const id = newId();
      const key = `outputs/${jobId}/${taskId}.png`;
      await farm.app.storage.put(key, await sharp({ create: { width: 8, height: 8, channels: 3, background: '#0a0' } }).png().toBuffer(), { contentType: 'image/png' });
      await db.insert(tables.assets).values({ id, kind: 'output', mime: 'image/png', width: 8, height: 8, bytes: 1, sha256: '0'.repeat(64), key, thumbKey: null, jobId, taskId, params: { seed: index } });
      outputIds.push(id);
    }
  });
  afterAll(() => farm.close());

  const list = (qs: string) => farm.inject({ method: 'GET', url: `/api/assets${qs}` });

  it('lists uploads and outputs newest first, each as GET /api/assets/:id shows it', async () => {
    const res = await list('');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.items.map((a: AssetView) => a.id)).toEqual([...outputIds].reverse().concat(uploads.map((u) => u.id).reverse()));
    expect(body.nextCursor).toBeNull();
    const one = (await farm.inject({ method: 'GET', url: `/api/assets/${uploads[0]!.id}` })).json();
    expect(body.items.find((a: AssetView) => a.id === one.id)).toEqual({ ...one, recipe: null, score: null, review: null });
    // Outputs name the recipe that made them.
    expect(body.items[0].recipe).toEqual({ id: 'product-shot/test', version: 1 });
    expect(one.thumbnailUrl).toEqual(expect.any(String));
    // The signed URLs it hands out serve the bytes.
    const url = new URL(body.items[0].url);
    const file = await farm.inject({ method: 'GET', url: url.pathname + url.search });
    expect(file.statusCode).toBe(200);
    expect(file.headers['content-type']).toBe('image/png');
  });

  it('filters by kind and by job', async () => {
    const up = (await list('?kind=upload')).json();
    expect(up.items.map((a: AssetView) => a.kind)).toEqual(['upload', 'upload', 'upload']);
    const out = (await list('?kind=output')).json();
    expect(out.items.map((a: AssetView) => a.id).sort()).toEqual([...outputIds].sort());
    const ofJob = (await list(`?jobId=${jobId}`)).json();
    expect(ofJob.items).toHaveLength(2);
    expect((await list(`?jobId=${newId()}`)).json().items).toEqual([]);
  });

  it('pages with the cursor, without gaps or repeats', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await list(`?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body.items.length).toBeLessThanOrEqual(2);
      seen.push(...body.items.map((a: AssetView) => a.id));
      cursor = body.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual((await list('')).json().items.map((a: AssetView) => a.id));
  });

  it('refuses a bad cursor, kind, limit or unknown filter with a code', async () => {
    for (const qs of ['?cursor=not-an-id', '?kind=video', '?limit=0', '?limit=9999', '?colour=red', '?sort=prettiest', '?gate=maybe', '?review=yes', '?profile=../x']) {
      const res = await list(qs);
      expect(res.statusCode, qs).toBe(400);
      expect(res.json().code, qs).toBe('SF_REQUEST_INVALID');
    }
  });

  describe('with scores and reviews', () => {
    /** A score row as the scorer writes it; `passes` lists the gate profiles it passed. */
    const score = (quality: number, ctr: number, passes: string[]): ImageScore => ({
      gate: Object.fromEntries(['taobao-main', 'amazon-main'].map((p) => [p, {
        pass: passes.includes(p),
        rules: [{ id: 'background', pass: passes.includes(p), value: 0.5, threshold: '≥ 0.9', message: { 'zh-CN': '背景不够白', en: 'background not white' } }],
      }])),
      features: { sharpness: 1 }, phash: '0'.repeat(16), text: { textAreaRatio: 0, boxes: [] },
      quality: { score: quality, parts: {} }, ctr: { predicted: ctr, modelVersion: 'ctr-test' },
    });
    const insertScore = async (assetId: string, s: ImageScore, modelVersion: string, createdAt: Date) => {
      const gatesPassed = Object.entries(s.gate).filter(([, g]) => g.pass).map(([p]) => p);
      await farm.database.db.insert(tables.scores).values({ id: newId(), assetId, modelVersion, quality: s.quality.score, ctr: s.ctr.predicted, phash: s.phash, gatesPassed, result: s, scoreMs: 1, createdAt });
    };
    const ids = (items: AssetListItem[]) => items.map((a) => a.id);

    beforeAll(async () => {
      // uploads[0]: scored twice — the newer score (0.9) counts, not the older 0.1; passes only taobao-main.
      await insertScore(uploads[0]!.id, score(0.1, 0.01, []), 'm1', new Date(Date.now() - 60_000));
      await insertScore(uploads[0]!.id, score(0.9, 0.02, ['taobao-main']), 'm2', new Date());
      // uploads[1]: lower quality, higher CTR, passes both. uploads[2] and the outputs stay unscored.
      await insertScore(uploads[1]!.id, score(0.5, 0.08, ['taobao-main', 'amazon-main']), 'm2', new Date());
      // Same quality as uploads[1]: the id breaks the tie, so paging by score stays exact.
      await insertScore(outputIds[0]!, score(0.5, 0.03, []), 'm2', new Date());
      for (const [assetId, verdict] of [[uploads[1]!.id, 'reject'], [uploads[1]!.id, 'approve'], [outputIds[0]!, 'reject']] as const) {
        await farm.inject({ method: 'POST', url: `/api/assets/${assetId}/review`, payload: { verdict } });
      }
    });

    it('carries each asset\'s latest score and latest review', async () => {
      const body = (await list('')).json();
      const byId = new Map<string, AssetListItem>(body.items.map((a: AssetListItem) => [a.id, a]));
      expect(byId.get(uploads[0]!.id)!.score).toEqual({
        quality: 0.9, ctr: 0.02,
        gates: {
          'taobao-main': { pass: true, failedRule: null },
          'amazon-main': { pass: false, failedRule: { id: 'background', message: { 'zh-CN': '背景不够白', en: 'background not white' } } },
        },
      });
      expect(byId.get(uploads[1]!.id)!.review).toBe('approve');
      expect(byId.get(outputIds[0]!)!.review).toBe('reject');
      expect(byId.get(uploads[2]!.id)!.score).toBeNull();
      expect(byId.get(uploads[2]!.id)!.review).toBeNull();
    });

    it('sorts best first by quality or predicted CTR, unscored last', async () => {
      const byQuality = ids((await list('?sort=quality')).json().items);
      const tie = [uploads[1]!.id, outputIds[0]!].sort().reverse();
      expect(byQuality.slice(0, 3)).toEqual([uploads[0]!.id, ...tie]);
      expect(new Set(byQuality.slice(3))).toEqual(new Set([uploads[2]!.id, outputIds[1]!]));
      // Click appeal sorts by the relative score the cards show: an upload has no product group and an output alone in
      // its group is its own mean, so all three read ×1.0 and tie (the id breaks it), whatever their raw predictions.
      const byCtr = ids((await list('?sort=ctr')).json().items);
      expect(byCtr.slice(0, 3)).toEqual([uploads[1]!.id, outputIds[0]!, uploads[0]!.id].sort().reverse());
    });

    it('pages a score order with its cursor, without gaps or repeats', async () => {
      for (const sort of ['quality', 'ctr']) {
        const seen: string[] = [];
        let cursor: string | null = null;
        do {
          const res = await list(`?sort=${sort}&limit=1${cursor ? `&cursor=${cursor}` : ''}`);
          expect(res.statusCode).toBe(200);
          const body = res.json();
          seen.push(...ids(body.items));
          cursor = body.nextCursor;
        } while (cursor);
        expect(seen, sort).toEqual(ids((await list(`?sort=${sort}`)).json().items));
      }
    });

    it('refuses a cursor of another sort order', async () => {
      const newestCursor = (await list('?limit=1')).json().nextCursor;
      const qualityCursor = (await list('?sort=quality&limit=1')).json().nextCursor;
      expect(qualityCursor).toMatch(/^0\.9_/);
      for (const qs of [`?sort=quality&cursor=${newestCursor}`, `?cursor=${qualityCursor}`]) {
        const res = await list(qs);
        expect(res.statusCode, qs).toBe(400);
        expect(res.json().code, qs).toBe('SF_CURSOR_INVALID');
      }
    });

    it('filters by gate verdict per profile and by review', async () => {
      expect(new Set(ids((await list('?gate=pass')).json().items))).toEqual(new Set([uploads[0]!.id, uploads[1]!.id]));
      expect(ids((await list('?gate=pass&profile=amazon-main')).json().items)).toEqual([uploads[1]!.id]);
      expect(new Set(ids((await list('?gate=fail&profile=amazon-main')).json().items))).toEqual(new Set([uploads[0]!.id, outputIds[0]!]));
      expect(new Set(ids((await list('?gate=pending')).json().items))).toEqual(new Set([uploads[2]!.id, outputIds[1]!]));
      expect(ids((await list('?review=approve')).json().items)).toEqual([uploads[1]!.id]);
      expect(ids((await list('?review=reject&kind=output')).json().items)).toEqual([outputIds[0]!]);
      expect((await list('?review=none')).json().items).toHaveLength(3);
    });

    it('sorts click appeal by the image over its product\'s mean, not by the raw prediction (last: it scores another output)', async () => {
      // The job's second output, scored lowest: the product's mean is (0.03 + 0.01) / 2, so outputIds[0] reads ×1.5 and
      // outputIds[1] ×0.5. Raw predictions would put uploads[1] (0.08) first and outputIds[0] (0.03) second.
      await insertScore(outputIds[1]!, score(0.4, 0.01, []), 'm2', new Date());
      const items = (await list('?sort=ctr')).json().items as AssetListItem[];
      const tie = [uploads[1]!.id, uploads[0]!.id].sort().reverse();
      expect(ids(items)).toEqual([outputIds[0]!, ...tie, outputIds[1]!, uploads[2]!.id]);
      expect(items[0]!.score!.ctrRelative).toBeCloseTo(1.5, 10);
      expect(items[3]!.score!.ctrRelative).toBeCloseTo(0.5, 10);
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const body = (await list(`?sort=ctr&limit=2${cursor ? `&cursor=${cursor}` : ''}`)).json() as { items: AssetListItem[]; nextCursor: string | null };
        seen.push(...ids(body.items));
        cursor = body.nextCursor;
      } while (cursor);
      expect(seen).toEqual(ids(items));
    });
  });
});
