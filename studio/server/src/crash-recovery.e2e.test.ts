import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { configToEnv } from '@shotfarm/shared/config';
import { createRedis, EmbeddedRedis, freeLoopbackPort } from '@shotfarm/shared/queue';
import { WorkerPool } from './launcher/worker-pool.ts';
import { listProductPhotos, plainProductPhoto, multipartFile, signInForKey, startFarm, waitFor, type Farm } from '../test/harness.ts';

const mainEntry = fileURLToPath(new URL('./main.ts', import.meta.url));
const tsxLoader = import.meta.resolve('tsx');

/** A large product photo, so a render takes long enough to be killed in the middle of it. */
async function largeProductPhoto(): Promise<Buffer> {
  const photo = plainProductPhoto();
  return sharp(await readFile(photo)).resize(5600, 5600, { fit: 'fill' }).jpeg({ quality: 90 }).toBuffer();
}

describe('crash recovery', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => { for (const c of cleanups.splice(0).reverse()) await c(); });

  it('a render worker killed with SIGKILL mid-task: another worker completes it, no output duplicated, no job lost', async () => {
    // Short enough to recover fast, long enough that a busy surviving worker keeps renewing its own lock.
    const farm: Farm = await startFarm({ STALLED_INTERVAL_MS: '3000' });
    cleanups.push(() => farm.close());
    const pool = new WorkerPool({ entry: '@shotfarm/render-worker/main', label: 'render worker', count: 2, env: { ...configToEnv(farm.config, farm.redis.url), RENDER_CONCURRENCY: '1' } });
    pool.start();
    cleanups.push(() => pool.stop());

    const upload = await farm.inject({ method: 'POST', url: '/api/assets', ...multipartFile(await largeProductPhoto(), 'big.jpg') });
    expect(upload.statusCode).toBe(201);
    const { id } = (await farm.inject({ method: 'POST', url: '/api/jobs',
      payload: { type: 'product-shot', recipe: 'product-shot/studio-local', inputs: { product: upload.json().id }, params: { preset: 'amazon-2000' }, variants: 1 } })).json();
    const taskId = (await farm.inject({ method: 'GET', url: `/api/jobs/${id}` })).json().tasks[0].id as string;
    // The completed BullMQ job leaves Redis once the API has recorded it: who finished it, and how many times it was
    // started, are read from the queue's events as they happen.
    const starts: string[] = [];
    let completedBy: string | undefined;
    const onActive = ({ jobId }: { jobId: string }) => { if (jobId === taskId) starts.push(jobId); };
    const onCompleted = ({ jobId, returnvalue }: { jobId: string; returnvalue: unknown }) => {
      if (jobId === taskId) completedBy = (typeof returnvalue === 'string' ? JSON.parse(returnvalue) : returnvalue as { worker: string }).worker;
    };
    farm.app.queues.renderEvents.on('active', onActive);
    farm.app.queues.renderEvents.on('completed', onCompleted);
    cleanups.push(async () => { farm.app.queues.renderEvents.off('active', onActive); farm.app.queues.renderEvents.off('completed', onCompleted); });

    // Wait until a worker process holds the task, then kill that process outright.
    const victim = await waitFor(async () => {
      const job = await farm.app.queues.render.getJob(taskId);
      return job && (await job.getState()) === 'active' && job.processedBy ? job.processedBy : undefined;
    }, 60_000, 10);
    const victimPid = Number(victim.split(':').at(-1));
    expect(pool.pids).toContain(victimPid);
    process.kill(victimPid, 'SIGKILL');

    const job = await waitFor(async () => {
      const j = (await farm.inject({ method: 'GET', url: `/api/jobs/${id}` })).json();
      return j.status === 'succeeded' || j.status === 'failed' ? j : undefined;
    }, 90_000, 200);
    expect(job.status).toBe('succeeded');
    // The flow parent may record the task before the events stream is read: wait for its completed event too.
    await waitFor(async () => completedBy, 10_000, 50);
    expect(completedBy).not.toBe(victim); // completed by another process
    expect(starts.length).toBeGreaterThanOrEqual(2);
    expect(job.outputs).toHaveLength(1);
    const objects = await farm.app.storage.list(`outputs/${id}/`);
    expect(objects).toHaveLength(1);
    expect(await farm.app.storage.list(`thumbs/outputs/${id}/`)).toHaveLength(1);
  }, 180_000);

  it('the API killed between the database commit and the enqueue: after restart the reconciler enqueues the task', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'shotfarm-crash-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const redis = await EmbeddedRedis.start({ dataDir: path.join(dataDir, 'redis') });
    cleanups.push(() => redis.stop());
    const port = await freeLoopbackPort();
    const base = `http://127.0.0.1:${port}`;
    const firstAdmin = { email: 'crash@localhost', password: 'crash-test-password' };
    const env = { ...process.env, DATA_DIR: dataDir, REDIS_URL: redis.url, PORT: String(port), LOG_LEVEL: 'warn', TASK_BACKOFF_MS: '200',
      SHOTFARM_ADMIN_EMAIL: firstAdmin.email, SHOTFARM_ADMIN_PASSWORD: firstAdmin.password };
    const startApi = async (workers: number): Promise<ChildProcess> => {
      const child = spawn(process.execPath, ['--import', tsxLoader, mainEntry], { env: { ...env, RENDER_WORKERS: String(workers), SCORER_WORKERS: '0' }, stdio: ['ignore', 'ignore', 'inherit'] });
      cleanups.push(async () => { if (child.exitCode === null && child.signalCode === null) { child.kill('SIGTERM'); await once(child, 'exit'); } });
      await waitFor(async () => (await fetch(`${base}/healthz`).then((r) => r.ok, () => false)) || undefined, 60_000, 100);
      return child;
    };

    const api = await startApi(0);
    const headers = await signInForKey(base, firstAdmin.email, firstAdmin.password);
    const photo = await readFile((await listProductPhotos())[0]!);
    const form = new FormData();
    form.set('file', new Blob([photo], { type: 'image/jpeg' }), 'product.jpg');
    const asset = await (await fetch(`${base}/api/assets`, { method: 'POST', body: form, headers })).json() as { id: string };

    // Freeze every Redis write: the API commits the job to its database, then hangs on the enqueue.
    const admin = createRedis(redis.url);
    cleanups.push(async () => { await admin.quit(); });
    await admin.call('CLIENT', 'PAUSE', '60000', 'WRITE');
    const pending = fetch(`${base}/api/jobs`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'product-shot', recipe: 'product-shot/studio-local', inputs: { product: asset.id }, variants: 2 }) }).catch(() => 'connection lost');
    await new Promise((r) => setTimeout(r, 1500));
    api.kill('SIGKILL');
    await once(api, 'exit');
    expect(await pending).toBe('connection lost'); // the client never heard back
    await admin.call('CLIENT', 'UNPAUSE');
    const keys = await admin.keys('shotfarm:render:*');
    expect(keys.filter((k) => !k.endsWith(':meta') && !k.endsWith(':events') && !k.endsWith(':id'))).toEqual([]); // nothing reached Redis

    // Restart (with one render worker): the reconciler finds the committed job and enqueues it.
    await startApi(1);
    const list = await (await fetch(`${base}/api/jobs`, { headers })).json() as { items: { id: string }[] };
    expect(list.items).toHaveLength(1);
    const jobId = list.items[0]!.id;
    const job = await waitFor(async () => {
      const j = await (await fetch(`${base}/api/jobs/${jobId}`, { headers })).json() as { status: string; outputs: unknown[] };
      return j.status === 'succeeded' || j.status === 'failed' ? j : undefined;
    }, 90_000, 200);
    expect(job.status).toBe('succeeded');
    expect(job.outputs).toHaveLength(2);
  }, 180_000);
});
