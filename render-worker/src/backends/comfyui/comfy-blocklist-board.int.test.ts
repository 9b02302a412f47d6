import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ComfyBlocklistRecord } from '@shotfarm/shared';
import { comfyBlocklistKey, createRedis, EmbeddedRedis } from '@shotfarm/shared/queue';
import { ComfyBlocklistBoard, type ComfyBlocklistBoardOptions } from './comfy-blocklist-board.ts';
import { ComfyFailure } from '@shotfarm/shared/comfyui';
import { ComfyServerPool, type ComfyBlocklistChange } from './comfy-server-pool.ts';

const prefix = 'board-test';
const key = comfyBlocklistKey(prefix);
const change = (over: Partial<ComfyBlocklistChange> = {}): ComfyBlocklistChange =>
  ({ server: 'gpu-a', url: 'http://10.0.0.5:8188', recipeId: 'model-swap/catvton', failures: 3, blocklisted: true, ...over });

describe('ComfyBlocklistBoard on a real Redis', () => {
  let dir: string;
  let redis: EmbeddedRedis;
  let client: ReturnType<typeof createRedis>;
  const boards: ComfyBlocklistBoard[] = [];
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'shotfarm-board-'));
    redis = await EmbeddedRedis.start({ dataDir: path.join(dir, 'redis') });
    client = createRedis(redis.url);
  });
  afterAll(async () => {
    for (const b of boards) await b.close();
    await client.quit();
    await redis.stop();
    await rm(dir, { recursive: true, force: true });
  });
  beforeEach(async () => { await client.del(key); });

  const board = (opts: Partial<ComfyBlocklistBoardOptions> = {}): ComfyBlocklistBoard => {
    const b = new ComfyBlocklistBoard({ redis: client, prefix, worker: 'host-1:101', refreshIntervalMs: 100, ...opts });
    boards.push(b);
    return b;
  };
  const records = async (): Promise<ComfyBlocklistRecord[]> =>
    Object.values(await client.hgetall(key)).map((v) => ComfyBlocklistRecord.parse(JSON.parse(v))).sort((a, b) => a.worker.localeCompare(b.worker));

  it('writes one field per (worker, server, recipe), keeps `since` when the count grows, and expires the hash', async () => {
    const b = board();
    const before = Date.now();
    b.record(change());
    await b.flush();
    const [first] = await records();
    expect(first).toMatchObject({ worker: 'host-1:101', server: 'gpu-a', url: 'http://10.0.0.5:8188', recipeId: 'model-swap/catvton', failures: 3 });
    expect(Date.parse(first!.since)).toBeGreaterThanOrEqual(before - 1);
    // Three refreshes ahead: a live worker rewrites it long before then.
    expect(Date.parse(first!.expiresAt) - Date.parse(first!.since)).toBeGreaterThanOrEqual(290);
    const ttl = await client.pttl(key);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(300);

    b.record(change({ failures: 4 }));
    b.record(change({ recipeId: 'product-shot/relight' }));
    await b.flush();
    const all = Object.entries(await client.hgetall(key));
    expect(all).toHaveLength(2);
    const again = (await records()).find((r) => r.recipeId === 'model-swap/catvton');
    expect(again).toMatchObject({ failures: 4, since: first!.since });
    // The field names the triple unambiguously although worker names hold ':' and recipe ids '/'.
    expect(all.map(([f]) => JSON.parse(f) as unknown)).toContainEqual(['host-1:101', 'gpu-a', 'product-shot/relight']);
  });

  it('a lifted blocklisting leaves the board', async () => {
    const b = board();
    b.record(change());
    b.record(change({ blocklisted: false }));
    await b.flush();
    expect(await client.hlen(key)).toBe(0);
  });

  it('takes a blocklisting off when the pool lifts it after its time, keeps it off, and a new one starts a new `since`', async () => {
    const b = board();
    b.start();
    const clock = { ms: 0 };
    // Port 9 refuses at once: the health round fails fast, and lifting does not depend on it.
    const pool = new ComfyServerPool({
      servers: [{ url: 'http://127.0.0.1:9', name: 'gpu-a', gpu: undefined, fenPerHour: 0 }], blocklistMs: 60_000, now: () => clock.ms, onBlocklistChange: b.record,
    });
    const fail = async (): Promise<void> => {
      pool.servers[0]!.healthy = true;
      await pool.run({
        recipeId: 'model-swap/catvton', requirements: { nodeClasses: [], models: [] }, signal: new AbortController().signal,
        attempt: () => Promise.reject(new ComfyFailure('execution', 'RuntimeError in node 3 (KSampler)')),
      }).catch(() => undefined);
    };
    for (let i = 0; i < 3; i++) await fail();
    await b.flush();
    const [first] = await records();
    expect(first).toMatchObject({ server: 'gpu-a', recipeId: 'model-swap/catvton', failures: 3 });

    clock.ms = 60_000;
    await pool.checkHealth();
    await b.flush();
    expect(await client.hlen(key)).toBe(0);
    await new Promise((r) => setTimeout(r, 250));
    expect(await client.hlen(key)).toBe(0);

    for (let i = 0; i < 3; i++) await fail();
    await b.flush();
    const [again] = await records();
    expect(again).toMatchObject({ failures: 3 });
    expect(Date.parse(again!.since)).toBeGreaterThan(Date.parse(first!.since));
    await pool.close();
    await b.close();
  });

  it('keeps a live worker’s entries fresh, while a dead worker’s lapse and are swept', async () => {
    const live = board({ worker: 'host-1:101' });
    const dead = board({ worker: 'host-2:202' });
    live.start();
    live.record(change());
    dead.record(change({ server: 'gpu-b' }));
    await Promise.all([live.flush(), dead.flush()]);
    expect(await client.hlen(key)).toBe(2);
    // host-2 is killed outright: it never refreshes nor closes. Hostile bytes sit in the hash too.
    await client.hset(key, 'garbage', '{not json', 'wrong-shape', JSON.stringify({ worker: 'x' }));
    await new Promise((r) => setTimeout(r, 600));
    const left = await records();
    expect(left.map((r) => r.worker)).toEqual(['host-1:101']);
    expect(Date.parse(left[0]!.expiresAt)).toBeGreaterThan(Date.now());
    expect(await client.hexists(key, 'garbage')).toBe(0);
    await live.close();
    expect(await client.hlen(key)).toBe(0);
  });

  it('close takes the worker’s own entries off, and nothing written after it lands', async () => {
    const mine = board({ worker: 'host-1:101' });
    const other = board({ worker: 'host-3:303' });
    other.record(change());
    mine.record(change());
    mine.record(change({ recipeId: 'short-video/svd' }));
    mine.start();
    await mine.close();
    mine.record(change({ recipeId: 'late/recipe' }));
    await mine.refresh();
    await other.flush();
    expect((await records()).map((r) => `${r.worker} ${r.recipeId}`)).toEqual(['host-3:303 model-swap/catvton']);
  });

  it('reports a Redis failure instead of throwing into the pool', async () => {
    const broken = createRedis('redis://127.0.0.1:9', { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0, enableOfflineQueue: false });
    broken.on('error', () => undefined);
    const errors: Error[] = [];
    const b = new ComfyBlocklistBoard({ redis: broken, prefix, worker: 'w', onError: (e) => errors.push(e) });
    expect(() => b.record(change())).not.toThrow();
    await b.flush();
    expect(errors).toHaveLength(1);
    await b.close();
    broken.disconnect();
  });
});
