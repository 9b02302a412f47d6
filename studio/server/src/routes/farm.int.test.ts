import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FarmStatus, newId, type ComfyBlocklistRecord } from '@shotfarm/shared';
import { comfyBlocklistKey } from '@shotfarm/shared/queue';
import { tables } from '@shotfarm/shared/db';
import { ComfyUIDouble } from '../../../../render-worker/test/comfyui-double/index.ts';
import { ReplicateDouble } from '../../../../render-worker/test/replicate-double/replicate-double.ts';
import { multipartFile, plainProductPhoto, startFarm, type Farm } from '../../test/harness.ts';
import { taskThroughput } from '../services/farm/farm-throughput.ts';

/** Port 9 (discard) on loopback: nothing listens, the connection is refused at once. */
const deadUrl = 'http://127.0.0.1:9';

describe('GET /api/farm', () => {
  let farm: Farm;
  let comfy: ComfyUIDouble;
  beforeAll(async () => {
    comfy = await ComfyUIDouble.start({ vramTotalBytes: 24 * 2 ** 30, vramFreeBytes: 20 * 2 ** 30 });
    farm = await startFarm({ RENDER_BACKENDS: 'local,comfyui', COMFYUI_URLS: `${comfy.url};name=gpu-a;gpu=RTX 4090,${deadUrl};name=gpu-dead;gpu=A100` });
  });
  afterAll(async () => { await farm.close(); await comfy.close(); });

  const get = async () => {
    const res = await farm.inject({ method: 'GET', url: '/api/farm' });
    expect(res.statusCode).toBe(200);
    return FarmStatus.parse(res.json());
  };

  it('reports the configured backends, Replicate unset, and each ComfyUI server up or down', async () => {
    const body = await get();
    expect(body.backends).toEqual(['local', 'comfyui']);
    expect(body.replicate).toEqual({ configured: false, state: 'unset', account: null, error: null, checkedAt: null });
    const [up, down] = body.comfyui;
    expect(up).toMatchObject({ name: 'gpu-a', state: 'up', configuredGpu: 'RTX 4090', queueRemaining: 0, error: null,
      device: { name: expect.stringContaining('NVIDIA'), vramTotalBytes: 24 * 2 ** 30, vramFreeBytes: 20 * 2 ** 30 } });
    expect(down).toMatchObject({ name: 'gpu-dead', state: 'down', configuredGpu: 'A100', device: null, queueRemaining: null });
    expect(down!.error).toEqual(expect.any(String));
    expect(body.comfyui.map((s) => s.blocklistedFor)).toEqual([[], []]);
  });

  it('lists what live render workers blocklisted on each server, ignoring lapsed and malformed entries', async () => {
    const key = comfyBlocklistKey(farm.app.queues.prefix);
    const minute = 60_000;
    const record = (r: Omit<ComfyBlocklistRecord, 'url' | 'since' | 'expiresAt'> & { url?: string; expiresInMs: number }): string => JSON.stringify({
      worker: r.worker, server: r.server, url: r.url ?? comfy.url, recipeId: r.recipeId, failures: r.failures,
      since: '2026-03-01T10:00:00.000Z', expiresAt: new Date(Date.now() + r.expiresInMs).toISOString(),
    } satisfies ComfyBlocklistRecord);
    await farm.app.queues.redis.hset(key, {
      f1: record({ worker: 'host-1:101', server: 'gpu-a', recipeId: 'product-shot/relight', failures: 3, expiresInMs: minute }),
      // Another worker reaches the same server by another URL: matched by its name.
      f2: record({ worker: 'host-2:202', server: 'gpu-a', url: 'http://gpu-a.lan:8188', recipeId: 'model-swap/catvton', failures: 4, expiresInMs: minute }),
      // A worker that died a while ago: its entry lapsed.
      f3: record({ worker: 'host-9:909', server: 'gpu-a', recipeId: 'short-video/svd', failures: 3, expiresInMs: -minute }),
      f4: '{not json',
      f5: JSON.stringify({ worker: 'host-1:101', server: 'gpu-a', recipeId: 'x', failures: -1 }),
      // A server this studio does not have configured.
      f6: record({ worker: 'host-1:101', server: 'gpu-elsewhere', url: 'http://10.9.9.9:8188', recipeId: 'product-shot/relight', failures: 3, expiresInMs: minute }),
    });
    try {
      const [up, down] = (await get()).comfyui;
      expect(up!.blocklistedFor).toEqual([
        { recipeId: 'model-swap/catvton', worker: 'host-2:202', failures: 4, since: '2026-03-01T10:00:00.000Z' },
        { recipeId: 'product-shot/relight', worker: 'host-1:101', failures: 3, since: '2026-03-01T10:00:00.000Z' },
      ]);
      expect(down!.blocklistedFor).toEqual([]);
    } finally {
      await farm.app.queues.redis.del(key);
    }
  });

  it('counts the render and score queues from BullMQ', async () => {
    const before = await get();
    // No scorer runs here, so an upload's score task waits; a delayed render job stays delayed.
    const res = await farm.inject({ method: 'POST', url: '/api/assets', ...multipartFile(await readFile(plainProductPhoto()), 'p.jpg', 'image/jpeg') });
    expect(res.statusCode).toBe(201);
    await farm.app.queues.render.add('probe', {}, { delay: 60 * 60_000 });
    const after = await get();
    expect(after.queues.score.waiting).toBe(before.queues.score.waiting + 1);
    expect(after.queues.render.delayed).toBe(before.queues.render.delayed + 1);
  });

  it('buckets the last hour of finished tasks by five minutes and status', async () => {
    const now = new Date('2026-03-01T10:07:30Z');
    const db = farm.database.db;
    const jobId = newId();
    await db.insert(tables.jobs).values({ id: jobId, type: 'product-shot', recipeId: 'product-shot/test', recipeVersion: 1, status: 'succeeded', params: {}, inputs: {}, variants: 1, priority: 5 });
    const finished: [string, 'succeeded' | 'failed' | 'canceled' | 'running'][] = [
      ['2026-03-01T10:06:00Z', 'succeeded'], ['2026-03-01T10:05:00Z', 'succeeded'], ['2026-03-01T10:07:00Z', 'failed'],
      ['2026-03-01T09:40:10Z', 'canceled'], ['2026-03-01T09:10:00Z', 'succeeded'], // an hour ago: outside
      ['2026-03-01T10:06:00Z', 'running'], // not finished, whatever its timestamp says
    ];
    await db.insert(tables.tasks).values(finished.map(([at, status], index) => ({ id: newId(), jobId, index, status, params: {}, seed: index, finishedAt: new Date(at) })));
    const buckets = await taskThroughput(db, now);
    expect(buckets).toHaveLength(12);
    expect(buckets[0]!.start).toBe('2026-03-01T09:10:00.000Z');
    expect(buckets[11]).toEqual({ start: '2026-03-01T10:05:00.000Z', succeeded: 2, failed: 1, canceled: 0 });
    expect(buckets[6]).toEqual({ start: '2026-03-01T09:40:00.000Z', succeeded: 0, failed: 0, canceled: 1 });
    expect(buckets[0]).toEqual({ start: '2026-03-01T09:10:00.000Z', succeeded: 1, failed: 0, canceled: 0 });
    expect(buckets.reduce((n, b) => n + b.succeeded + b.failed + b.canceled, 0)).toBe(5);
    // The endpoint answers the same shape for the real clock.
    const body = await get();
    expect(body.throughput.bucketMinutes).toBe(5);
    expect(body.throughput.buckets).toHaveLength(12);
  });

  describe('Replicate', () => {
    let replicate: ReplicateDouble;
    beforeAll(async () => { replicate = await ReplicateDouble.start({ token: 'r8_farm', models: [] }); });
    afterAll(() => replicate.close());

    const farmWith = async (token: string, run: (status: FarmStatus) => void, baseUrl = replicate.baseUrl) => {
      const f = await startFarm({ RENDER_BACKENDS: 'local,replicate', REPLICATE_API_TOKEN: token, REPLICATE_API_BASE_URL: baseUrl });
      try {
        const res = await f.inject({ method: 'GET', url: '/api/farm' });
        run(FarmStatus.parse(res.json()));
      } finally {
        await f.close();
      }
    };

    it('is up, naming the account, when the token works', async () => {
      await farmWith('r8_farm', (s) => expect(s.replicate).toMatchObject({ configured: true, state: 'up', account: 'shotfarm-test', error: null, checkedAt: expect.any(String) }));
      const calls = replicate.requestsTo('GET', /^\/v1\/account$/);
      expect(calls.at(-1)!.headers.authorization).toBe('Bearer r8_farm');
    });

    it('is down, saying why, when the token is refused', async () => {
      await farmWith('r8_wrong', (s) => {
        expect(s.replicate).toMatchObject({ configured: true, state: 'down', account: null });
        expect(s.replicate.error).toMatch(/^HTTP 401: You did not pass a valid authentication token/);
      });
    });

    it('is down when nothing answers', async () => {
      await farmWith('r8_farm', (s) => {
        expect(s.replicate).toMatchObject({ configured: true, state: 'down', account: null });
        expect(s.replicate.error).toEqual(expect.any(String));
      }, `${deadUrl}/v1`);
    });
  });
});
