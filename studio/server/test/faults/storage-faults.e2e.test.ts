import { execFile } from 'node:child_process';
import { readFile, rm, statfs } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { s3rverCredentials, startS3rver } from '../../../../shared/test/s3rver-server.ts';
import { multipartFile, plainProductPhoto, startFarm, waitFor, type Farm } from '../harness.ts';
import { expectJobSettled } from './farm-invariants.ts';
import { startS3OutageProxy, type S3OutageProxy } from './s3-outage-proxy.ts';

// `pnpm test:faults`: storage faults. The outage is 30 s; FAULT_S3_OUTAGE_MS lengthens this short-mode one.
const outageMs = Number(process.env.FAULT_S3_OUTAGE_MS ?? 4000);

const job = (productId: string, variants = 2) => ({ type: 'product-shot', recipe: 'product-shot/studio-local', inputs: { product: productId }, params: {}, variants });

async function uploadPhoto(farm: Farm): Promise<string> {
  const res = await farm.inject({ method: 'POST', url: '/api/assets', ...multipartFile(await readFile(plainProductPhoto()), 'vase.jpg', 'image/jpeg') });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id as string;
}

async function settled(farm: Farm, jobId: string, timeoutMs = 120_000): Promise<{ status: string; outputs: unknown[]; tasks: { status: string; attempts: number; error: { code: string; message: string } | null }[] }> {
  return waitFor(async () => {
    const j = (await farm.inject({ method: 'GET', url: `/api/jobs/${jobId}` })).json();
    return j.status === 'succeeded' || j.status === 'failed' || j.status === 'partial' ? j : undefined;
  }, timeoutMs, 200);
}

/** A farm whose storage is s3rver behind a proxy that can answer 503. */
async function s3Farm(cleanups: (() => Promise<void>)[], env: Record<string, string> = {}): Promise<{ farm: Farm; proxy: S3OutageProxy }> {
  const s3 = await startS3rver();
  cleanups.push(() => s3.close());
  const proxy = await startS3OutageProxy(s3.endpoint);
  cleanups.push(() => proxy.close());
  const farm = await startFarm({
    S3_BUCKET: s3.bucket, S3_ENDPOINT: proxy.endpoint, S3_FORCE_PATH_STYLE: 'true',
    S3_ACCESS_KEY_ID: s3rverCredentials.accessKeyId, S3_SECRET_ACCESS_KEY: s3rverCredentials.secretAccessKey, ...env,
  });
  cleanups.push(() => farm.close());
  return { farm, proxy };
}

describe('faults: S3 answers 503', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => { for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined); });

  it('for a while during a job: tasks retry and the job succeeds once S3 is back, nothing duplicated', async () => {
    const { farm, proxy } = await s3Farm(cleanups, { TASK_ATTEMPTS: '10', TASK_BACKOFF_MS: '300' });
    const productId = await uploadPhoto(farm);
    const submitted = await farm.inject({ method: 'POST', url: '/api/jobs', payload: job(productId) });
    expect(submitted.statusCode, submitted.body).toBe(201);
    const jobId = submitted.json().id as string;

    proxy.set('down');
    await farm.startWorker(2);
    await waitFor(async () => (proxy.refused.length >= 4 ? true : undefined), 30_000, 50);
    // While S3 is down /readyz says so, naming storage.
    await waitFor(async () => ((await farm.app.inject({ method: 'GET', url: '/readyz' })).statusCode === 503 ? true : undefined), 15_000, 200);
    expect((await farm.app.inject({ method: 'GET', url: '/readyz' })).json().checks.storage.ok).toBe(false);
    await new Promise((r) => setTimeout(r, outageMs));
    proxy.set('up');

    const done = await settled(farm, jobId);
    expect(done.status).toBe('succeeded');
    expect(done.outputs).toHaveLength(2);
    // The outage was met by retries, not waited out inside one attempt.
    expect(Math.max(...done.tasks.map((t) => t.attempts))).toBeGreaterThan(1);
    expect(await farm.app.storage.list(`outputs/${jobId}/`)).toHaveLength(2);
    await expectJobSettled(farm, jobId);
    await waitFor(async () => ((await farm.app.inject({ method: 'GET', url: '/readyz' })).statusCode === 200 ? true : undefined), 15_000, 200);
  }, 180_000);

  it('for good: every task fails with a reason once its tries are spent, no object or asset row is left behind', async () => {
    const { farm, proxy } = await s3Farm(cleanups, { TASK_ATTEMPTS: '2', TASK_BACKOFF_MS: '200' });
    const productId = await uploadPhoto(farm);
    const jobId = (await farm.inject({ method: 'POST', url: '/api/jobs', payload: job(productId) })).json().id as string;
    // Reads work, writes are refused: the output is rendered and its write fails, the worst moment to fail.
    proxy.set(({ method }) => method === 'PUT');
    await farm.startWorker(2);
    const done = await settled(farm, jobId);
    expect(done.status).toBe('failed');
    for (const t of done.tasks) {
      expect(t.status).toBe('failed');
      expect(t.attempts).toBe(2);
      // Named as a storage outage, with what S3 said, not a bare render failure.
      expect(t.error?.code).toBe('SF_DEPENDENCY_UNAVAILABLE');
      expect(t.error?.message).toMatch(/^storage answered 503 ServiceUnavailable/);
    }
    proxy.set('up');
    expect(await farm.app.storage.list(`outputs/${jobId}/`)).toEqual([]);
    expect(await farm.app.storage.list(`thumbs/outputs/${jobId}/`)).toEqual([]);
    await expectJobSettled(farm, jobId);
  }, 180_000);

  it('stalls (accepts writes and never answers): each write times out after S3_TIMEOUT_S, the task is retried, and succeeds once S3 answers again', async () => {
    const { farm, proxy } = await s3Farm(cleanups, { TASK_ATTEMPTS: '10', TASK_BACKOFF_MS: '300', S3_TIMEOUT_S: '1' });
    const productId = await uploadPhoto(farm);
    const jobId = (await farm.inject({ method: 'POST', url: '/api/jobs', payload: job(productId, 1) })).json().id as string;
    proxy.set(({ method }) => method === 'PUT', 'hang');
    await farm.startWorker(1);
    // The SDK tries each write three times (1 s each) before the task gives the attempt up: wait for a task retry.
    await waitFor(async () => {
      const j = (await farm.inject({ method: 'GET', url: `/api/jobs/${jobId}` })).json() as { tasks: { attempts: number }[] };
      return j.tasks[0]!.attempts >= 2 ? true : undefined;
    }, 60_000, 200);
    expect(proxy.refused.length).toBeGreaterThanOrEqual(3);
    proxy.set('up');
    const done = await settled(farm, jobId);
    expect(done.status).toBe('succeeded');
    expect(done.outputs).toHaveLength(1);
    expect(await farm.app.storage.list(`outputs/${jobId}/`)).toHaveLength(1);
    await expectJobSettled(farm, jobId);
  }, 180_000);

  it('only the output write fails after its thumbnail was written: the thumbnail is not left behind', async () => {
    const { farm, proxy } = await s3Farm(cleanups, { TASK_ATTEMPTS: '2', TASK_BACKOFF_MS: '200' });
    const productId = await uploadPhoto(farm);
    const jobId = (await farm.inject({ method: 'POST', url: '/api/jobs', payload: job(productId, 1) })).json().id as string;
    // `/<bucket>/outputs/…` is refused, `/<bucket>/thumbs/outputs/…` is not.
    proxy.set(({ method, path }) => method === 'PUT' && /^\/[^/]+\/outputs\//.test(path));
    await farm.startWorker(1);
    const done = await settled(farm, jobId);
    expect(done.status).toBe('failed');
    expect(proxy.refused.some((r) => /^\/[^/]+\/outputs\//.test(r.path))).toBe(true);
    proxy.set('up');
    expect(done.tasks[0]!.error?.code).toBe('SF_DEPENDENCY_UNAVAILABLE');
    expect(await farm.app.storage.list(`thumbs/outputs/${jobId}/`)).toEqual([]);
    await expectJobSettled(farm, jobId);
  }, 180_000);
});

describe('faults: the local storage disk fills up', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => { for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined); });

  it('render tasks fail retryable with SF_STORAGE_FULL before writing, /readyz says so, and a retry succeeds once space is back', async () => {
    // A real disk filling up: the reserve sits 400 MB under today's free space, then a 1.2 GB file (fallocate: no
    // bytes written, only blocks taken) pushes free space 800 MB below it. The margins absorb other writers on the disk.
    const freeMb = async () => { const s = await statfs(tmpdir()); return Math.floor((s.bavail * s.bsize) / (1024 * 1024)); };
    const reserveMb = (await freeMb()) - 400;
    const farm = await startFarm({ STORAGE_MIN_FREE_MB: String(reserveMb), TASK_ATTEMPTS: '2', TASK_BACKOFF_MS: '200' });
    cleanups.push(() => farm.close());
    const productId = await uploadPhoto(farm);
    const jobId = (await farm.inject({ method: 'POST', url: '/api/jobs', payload: job(productId) })).json().id as string;
    const before = await farm.app.storage.list('');

    const filler = path.join(farm.dataDir, 'filler.bin');
    await promisify(execFile)('fallocate', ['-l', '1200M', filler]);
    cleanups.push(() => rm(filler, { force: true }));
    expect(await freeMb()).toBeLessThan(reserveMb);
    const ready = await waitFor(async () => {
      const r = await farm.app.inject({ method: 'GET', url: '/readyz' });
      return r.statusCode === 503 ? r.json<{ checks: Record<string, unknown> }>() : undefined;
    }, 10_000, 200);
    expect(ready.checks.disk).toEqual({ ok: false, error: expect.stringContaining(`less than STORAGE_MIN_FREE_MB=${reserveMb}`) });

    await farm.startWorker(2);
    const failed = await settled(farm, jobId);
    expect(failed.status).toBe('failed');
    for (const t of failed.tasks) {
      expect(t.status).toBe('failed');
      expect(t.attempts).toBe(2); // retried: a full disk may have room a moment later
      expect(t.error).toEqual({ code: 'SF_STORAGE_FULL', message: expect.stringContaining('MB kept in reserve') });
    }
    // Refused before a byte was written: storage holds exactly what it held before the job ran.
    expect(await farm.app.storage.list('')).toEqual(before);
    await expectJobSettled(farm, jobId);

    // Space comes back: /readyz is ready again and retrying the job renders it, once.
    await rm(filler, { force: true });
    await waitFor(async () => ((await farm.app.inject({ method: 'GET', url: '/readyz' })).statusCode === 200 ? true : undefined), 10_000, 200);
    const retried = await farm.inject({ method: 'POST', url: `/api/jobs/${jobId}/retry` });
    expect(retried.statusCode, retried.body).toBeLessThan(300);
    const done = await settled(farm, jobId);
    expect(done.status).toBe('succeeded');
    expect(done.outputs).toHaveLength(2);
    expect(await farm.app.storage.list(`outputs/${jobId}/`)).toHaveLength(2);
    await expectJobSettled(farm, jobId);
  }, 180_000);
});
