import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createRedis, EmbeddedRedis } from '@shotfarm/shared/queue';
import { multipartFile, plainProductPhoto, readSse, startFarm, waitFor, type Farm } from '../harness.ts';

// `pnpm test:faults` (short mode: these run in CI under `npm test` too). Each fault ends in "every job finished or
// failed with a reason; nothing lost, nothing duplicated", checked against the database and storage.

const job = (productId: string, variants = 2) => ({ type: 'product-shot', recipe: 'product-shot/studio-local', inputs: { product: productId }, params: {}, variants });

async function uploadPhoto(farm: Farm): Promise<string> {
  const res = await farm.inject({ method: 'POST', url: '/api/assets', ...multipartFile(await readFile(plainProductPhoto()), 'vase.jpg', 'image/jpeg') });
  expect(res.statusCode).toBe(201);
  return res.json().id as string;
}

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const t = Date.now();
  const value = await fn();
  return { value, ms: Date.now() - t };
}

describe('faults: a dependency goes down', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => { for (const c of cleanups.splice(0).reverse()) await c(); });

  it('Redis dies: requests that need it fail fast with 503 naming redis; a job is committed and enqueued by the reconciler when Redis returns', async () => {
    const farm = await startFarm({ DEPENDENCY_TIMEOUT_MS: '1000' });
    const revived: { redis?: EmbeddedRedis } = {};
    cleanups.push(async () => { await farm.close(); await revived.redis?.stop(); });
    const productId = await uploadPhoto(farm);
    const port = farm.redis.port;

    await farm.redis.stop();
    await waitFor(async () => (farm.app.operations.dependencies.down(['redis']).length > 0 ? true : undefined), 10_000, 50);

    // Routes that need Redis answer at once, naming it — no 30 s hang.
    for (const req of [{ method: 'GET' as const, url: '/api/farm' }, { method: 'POST' as const, url: '/api/assets', ...multipartFile(await readFile(plainProductPhoto()), 'b.jpg', 'image/jpeg') }]) {
      const { value: res, ms } = await timed(() => farm.inject(req));
      expect(res.statusCode, `${req.method} ${req.url}`).toBe(503);
      expect(res.json()).toMatchObject({ code: 'SF_DEPENDENCY_UNAVAILABLE', details: { dependency: 'redis' } });
      expect(res.headers['retry-after']).toBe('5');
      expect(ms).toBeLessThan(2000);
    }
    const ready = await farm.app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json().checks.redis.ok).toBe(false);
    expect(ready.json().checks.database.ok).toBe(true);

    // What can be done without Redis is done: the job is committed and the answer says its enqueue is deferred.
    const { value: submitted, ms } = await timed(() => farm.inject({ method: 'POST', url: '/api/jobs', payload: job(productId) }));
    expect(submitted.statusCode, submitted.body).toBe(201);
    expect(submitted.json()).toMatchObject({ status: 'queued', queue: 'deferred' });
    expect(ms).toBeLessThan(3000);
    const jobId = submitted.json().id as string;
    expect((await farm.inject({ method: 'GET', url: `/api/jobs/${jobId}` })).json().status).toBe('queued');

    // Redis comes back on the same port and AOF; the reconciler finds the committed job and enqueues it.
    revived.redis = await EmbeddedRedis.start({ dataDir: path.join(farm.dataDir, 'redis'), port });
    await waitFor(async () => (farm.app.queues.redis.status === 'ready' ? true : undefined), 20_000, 50);
    const report = await farm.app.farm.reconciler.reconcile();
    expect(report.jobsEnqueued).toBe(1);
    await farm.startWorker(2);
    const done = await waitFor(async () => {
      const j = (await farm.inject({ method: 'GET', url: `/api/jobs/${jobId}` })).json();
      return j.status === 'succeeded' || j.status === 'failed' ? j : undefined;
    }, 90_000, 200);
    expect(done.status).toBe('succeeded');
    expect(done.outputs).toHaveLength(2);
    expect(await farm.app.storage.list(`outputs/${jobId}/`)).toHaveLength(2); // nothing duplicated
    expect((await farm.app.farm.reconciler.reconcile()).jobsEnqueued).toBe(0);
  }, 180_000);

  it('Redis stalls without dropping the connection: the request deadline answers 503 naming redis', async () => {
    const farm = await startFarm({ REQUEST_DEADLINE_MS: '1500', DEPENDENCY_TIMEOUT_MS: '500' });
    const admin = createRedis(farm.redis.url);
    cleanups.push(async () => { await admin.call('CLIENT', 'UNPAUSE').catch(() => undefined); await admin.quit(); await farm.close(); });
    await admin.call('CLIENT', 'PAUSE', '8000', 'ALL');
    const { value: res, ms } = await timed(() => farm.inject({ method: 'GET', url: '/api/farm' }));
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ code: 'SF_DEPENDENCY_UNAVAILABLE', details: { dependency: 'redis' } });
    expect(ms).toBeGreaterThanOrEqual(1400);
    expect(ms).toBeLessThan(4000);
    await admin.call('CLIENT', 'UNPAUSE');
  }, 60_000);

  it('/readyz says not ready past the render-queue bound and below the disk reserve; an upload is refused before a byte is written', async () => {
    const farm = await startFarm({ READY_MAX_RENDER_QUEUE: '1' });
    cleanups.push(() => farm.close());
    const productId = await uploadPhoto(farm);
    expect((await farm.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
    expect((await farm.inject({ method: 'POST', url: '/api/jobs', payload: job(productId, 3) })).statusCode).toBe(201);
    const ready = await farm.app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json().checks.renderQueue).toEqual({ ok: false, error: expect.stringContaining('3 render tasks waiting') });

    const full = await startFarm({ STORAGE_MIN_FREE_MB: String(1024 ** 3) }); // a reserve no disk has
    cleanups.push(() => full.close());
    const before = await full.snapshot();
    const refused = await full.inject({ method: 'POST', url: '/api/assets', ...multipartFile(await readFile(plainProductPhoto()), 'c.jpg', 'image/jpeg') });
    expect(refused.statusCode).toBe(507);
    expect(refused.json().code).toBe('SF_STORAGE_FULL');
    expect(await full.snapshot()).toEqual(before);
    const fullReady = await full.app.inject({ method: 'GET', url: '/readyz' });
    expect(fullReady.statusCode).toBe(503);
    expect(fullReady.json().checks.disk.ok).toBe(false);
  }, 120_000);

  it('draining: event streams end with a final shutdown event, new requests get 503 SF_SHUTTING_DOWN, /readyz says not ready', async () => {
    const farm = await startFarm({}, { listen: true });
    cleanups.push(() => farm.close());
    const productId = await uploadPhoto(farm);
    const jobId = (await farm.inject({ method: 'POST', url: '/api/jobs', payload: job(productId, 1) })).json().id as string;
    const stream = readSse(`${farm.baseUrl}/api/jobs/${jobId}/events`, { headers: farm.authHeaders, stop: () => false });
    await new Promise((r) => setTimeout(r, 500));
    farm.app.operations.beginDrain();
    const messages = await stream;
    expect(messages.at(-1)).toMatchObject({ event: 'shutdown', data: { code: 'SF_SHUTTING_DOWN' } });
    const refused = await farm.inject({ method: 'GET', url: '/api/jobs' });
    expect(refused.statusCode).toBe(503);
    expect(refused.json().code).toBe('SF_SHUTTING_DOWN');
    expect(refused.headers.connection).toBe('close');
    const ready = await farm.app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json().checks.shutdown).toEqual({ ok: false, error: 'shutting down' });
  }, 60_000);
});
