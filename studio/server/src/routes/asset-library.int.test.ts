import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId, type AssetView } from '@shotfarm/shared';
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
      const res = await farm.app.inject({ method: 'POST', url: '/api/assets', ...multipartFile(await swatch(r), `s${r}.jpg`, 'image/jpeg') });
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

  const list = (qs: string) => farm.app.inject({ method: 'GET', url: `/api/assets${qs}` });

  it('lists uploads and outputs newest first, each as GET /api/assets/:id shows it', async () => {
    const res = await list('');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.items.map((a: AssetView) => a.id)).toEqual([...outputIds].reverse().concat(uploads.map((u) => u.id).reverse()));
    expect(body.nextCursor).toBeNull();
    const one = (await farm.app.inject({ method: 'GET', url: `/api/assets/${uploads[0]!.id}` })).json();
    expect(body.items.find((a: AssetView) => a.id === one.id)).toEqual({ ...one, recipe: null });
    // Outputs name the recipe that made them.
    expect(body.items[0].recipe).toEqual({ id: 'product-shot/test', version: 1 });
    expect(one.thumbnailUrl).toEqual(expect.any(String));
    // The signed URLs it hands out serve the bytes.
    const url = new URL(body.items[0].url);
    const file = await farm.app.inject({ method: 'GET', url: url.pathname + url.search });
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
    for (const qs of ['?cursor=not-an-id', '?kind=video', '?limit=0', '?limit=9999', '?colour=red']) {
      const res = await list(qs);
      expect(res.statusCode, qs).toBe(400);
      expect(res.json().code, qs).toBe('SF_REQUEST_INVALID');
    }
  });
});
