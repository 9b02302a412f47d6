import { readFile } from 'node:fs/promises';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobView } from '@shotfarm/shared';
import { tables } from '@shotfarm/shared/db';
import { plainProductPhoto, multipartFile, readSse, startFarm, waitFor, type Farm } from '../test/harness.ts';

/**
 * Retrying failed tasks through the whole farm: a product photo goes missing from storage, every task fails
 * for good; the photo comes back, the designer retries, and the same tasks render — once each.
 */
describe('retrying a failed job', () => {
  let farm: Farm;
  let photo: Buffer;
  let productId: string;
  let productKey: string;
  let worker: Awaited<ReturnType<Farm['startWorker']>>;

  beforeAll(async () => {
    // One try per task, so a missing input fails the task for good at once.
    farm = await startFarm({ TASK_ATTEMPTS: '1' }, { listen: true });
    worker = await farm.startWorker(2);
    photo = await readFile(plainProductPhoto());
    const upload = (await farm.inject({ method: 'POST', url: '/api/assets', ...multipartFile(photo, 'vase.jpg') })).json();
    productId = upload.id;
    const [row] = await farm.database.db.select({ key: tables.assets.key }).from(tables.assets).where(eq(tables.assets.id, productId));
    productKey = row!.key;
  });
  afterAll(() => farm.close());

  const view = async (id: string): Promise<JobView> => (await farm.inject({ method: 'GET', url: `/api/jobs/${id}` })).json();
  const retry = (id: string) => farm.inject({ method: 'POST', url: `/api/jobs/${id}/retry` });
  const finished = (id: string) => waitFor(async () => {
    const v = await view(id);
    return v.status === 'succeeded' || v.status === 'failed' ? v : undefined;
  }, 60_000);
  const submitFailingJob = async (variants: number): Promise<JobView> => {
    await farm.app.storage.delete(productKey);
    const { id } = (await farm.inject({ method: 'POST', url: '/api/jobs',
      payload: { type: 'product-shot', recipe: 'product-shot/studio-local', inputs: { product: productId }, variants } })).json();
    const failed = await finished(id);
    await farm.app.storage.put(productKey, photo, { contentType: 'image/jpeg' });
    return failed;
  };

  it('renders the failed tasks again, once each, and tells the event stream', async () => {
    const failed = await submitFailingJob(3);
    expect(failed.status).toBe('failed');
    expect(failed.tasks.map((t) => t.status)).toEqual(['failed', 'failed', 'failed']);
    expect(failed.outputs).toHaveLength(0);

    const res = await retry(failed.id);
    expect(res.statusCode).toBe(200);
    const reopened: JobView = res.json();
    expect(['queued', 'running']).toContain(reopened.status);
    expect(reopened.retries).toBe(1);
    expect(reopened.error).toBeUndefined();
    expect(reopened.tasks.every((t) => t.retries === 1 && t.error === null && (t.status === 'queued' || t.status === 'running'))).toBe(true);

    const done = await finished(failed.id);
    expect(done.status).toBe('succeeded');
    expect(done.tasks.map((t) => [t.status, t.attempts])).toEqual([['succeeded', 1], ['succeeded', 1], ['succeeded', 1]]);
    // One output per task, never two: the retried task is the same task, its output keyed by it.
    expect(done.outputs).toHaveLength(3);
    expect(new Set(done.outputs.map((o) => o.taskId)).size).toBe(3);

    // The stream, replayed from the start, tells the whole story in order: the first run, the retry, the second run.
    const messages = await readSse(`${farm.baseUrl}/api/jobs/${failed.id}/events`, { headers: farm.authHeaders,
      stop: (m) => m.event === 'job-done' && (m.data as { status: string }).status === 'succeeded',
    });
    const story = messages.filter((m) => m.event !== 'task-progress').map((m) => {
      const d = m.data as { status?: string };
      return m.event === 'job-retried' ? 'job-retried' : `${m.event}:${d.status}`;
    });
    expect(story).toEqual([
      'task-done:failed', 'task-done:failed', 'task-done:failed', 'job-done:failed', 'job-retried',
      'task-done:succeeded', 'task-done:succeeded', 'task-done:succeeded', 'job-done:succeeded',
    ]);
    const retried = messages.find((m) => m.event === 'job-retried')!.data as { retries: number; taskIds: string[] };
    expect(retried.retries).toBe(1);
    expect([...retried.taskIds].sort()).toEqual(failed.tasks.map((t) => t.id).sort());
    // The reconciler finds nothing to repair: the old run's BullMQ jobs are gone, not read back as failures.
    expect(await farm.app.farm.reconciler.reconcile()).toMatchObject({ jobsEnqueued: 0, tasksEnqueued: 0, tasksRecorded: 0 });
  }, 120_000);

  it('refuses a job with nothing failed, one still running, and one that does not exist, changing nothing', async () => {
    const ok = (await farm.inject({ method: 'POST', url: '/api/jobs',
      payload: { type: 'product-shot', recipe: 'product-shot/studio-local', inputs: { product: productId }, variants: 1 } })).json();
    const early = await retry(ok.id);
    if (early.statusCode !== 409 || early.json().code !== 'SF_JOB_NOT_FINISHED') {
      // The render may already have finished on a fast machine; then the job had nothing to retry.
      expect(early.json().code).toBe('SF_JOB_NOTHING_TO_RETRY');
    }
    const done = await finished(ok.id);
    expect(done.status).toBe('succeeded');
    // A recipe that has run shows a real output of its newest succeeded job on its card.
    const recipes = (await farm.inject({ method: 'GET', url: '/api/recipes' })).json();
    const sample = recipes.items.find((r: { id: string }) => r.id === 'product-shot/studio-local').sample;
    expect(done.outputs.map((o) => new URL(o.url).pathname)).toContain(new URL(sample.url).pathname);
    expect((await fetch(sample.thumbnailUrl)).headers.get('content-type')).toBe('image/webp');
    const nothing = await retry(ok.id);
    expect(nothing.statusCode).toBe(409);
    expect(nothing.json().code).toBe('SF_JOB_NOTHING_TO_RETRY');
    expect((await view(ok.id)).retries).toBe(0);
    const missing = await retry('01900000-0000-7000-8000-000000000000');
    expect(missing.statusCode).toBe(404);
    expect(missing.json().code).toBe('SF_JOB_NOT_FOUND');
    expect((await retry('not-an-id')).json().code).toBe('SF_REQUEST_INVALID');
  }, 120_000);

  it('is repaired by the reconciler when the API dies between the commit and the enqueue', async () => {
    const failed = await submitFailingJob(2);
    expect(failed.status).toBe('failed');
    // No worker, so the retried tasks stay waiting; retry, then lose the whole new flow from Redis: the
    // database says queued, Redis holds nothing — as if the process had died right after the commit.
    await worker.close();
    const res = await retry(failed.id);
    expect(res.statusCode).toBe(200);
    await (await farm.app.farm.enqueuer.findParentJob(failed.id))!.remove({ removeChildren: true });
    for (const t of failed.tasks) expect(await farm.app.farm.enqueuer.findRenderJob(t.id)).toBeUndefined();
    expect(await farm.app.farm.reconciler.reconcile()).toMatchObject({ jobsEnqueued: 1, tasksRecorded: 0 });
    worker = await farm.startWorker(2);
    const done = await finished(failed.id);
    expect(done.status).toBe('succeeded');
    expect(done.outputs).toHaveLength(2);
  }, 120_000);
});
