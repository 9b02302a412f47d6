import { readFile } from 'node:fs/promises';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { tables } from '@shotfarm/shared/db';
import { canceledTaskKey } from '@shotfarm/shared/queue';
import { plainProductPhoto, multipartFile, startFarm, waitFor, type Farm } from '../test/harness.ts';
import { cancelJob } from './services/jobs/job-cancellation.ts';

/**
 * Cancel must win against every race: the reconciler, a task picked up late, a render finishing as the cancel lands.
 * After any of them, storage holds no file that no row points to. Issue 21.
 */
describe('cancel wins', () => {
  let farm: Farm;
  let productId: string;
  beforeAll(async () => {
    farm = await startFarm();
    productId = (await farm.inject({ method: 'POST', url: '/api/assets', ...multipartFile(await readFile(plainProductPhoto()), 'p.jpg') })).json().id;
  });
  afterAll(() => farm.close());

  const submit = async (variants = 1): Promise<{ id: string; taskIds: string[] }> => {
    const { id } = (await farm.inject({ method: 'POST', url: '/api/jobs',
      payload: { type: 'product-shot', recipe: 'product-shot/studio-local', inputs: { product: productId }, params: {}, variants } })).json();
    const taskIds = (await farm.app.db.select({ id: tables.tasks.id }).from(tables.tasks).where(eq(tables.tasks.jobId, id))).map((t) => t.id);
    return { id, taskIds };
  };
  const deps = () => ({ recorder: farm.app.farm.recorder, enqueuer: farm.app.farm.enqueuer, queues: farm.app.queues });

  /** Every object under outputs/ and thumbs/outputs/ that no asset row points to. */
  const unreferencedOutputs = async (): Promise<string[]> => {
    const rows = await farm.app.db.select({ key: tables.assets.key, thumbKey: tables.assets.thumbKey }).from(tables.assets);
    const referenced = new Set(rows.flatMap((r) => [r.key, r.thumbKey]));
    const objects = [...await farm.app.storage.list('outputs/'), ...await farm.app.storage.list('thumbs/outputs/')];
    return objects.filter((k) => !referenced.has(k));
  };

  it('the reconciler never re-enqueues a task canceled while its pass runs', async () => {
    const { id, taskIds } = await submit(2);
    // Redis lost the job (as after a crash between commit and enqueue), so the reconciler will want to enqueue it…
    await (await farm.app.queues.jobs.getJob(id))?.remove({ removeChildren: true });
    for (const t of taskIds) expect(await farm.app.queues.render.getJob(t)).toBeUndefined();
    // …and the cancel commits after its pass has read the open tasks, before it enqueues them.
    const enqueuer = farm.app.farm.enqueuer;
    const realFind = enqueuer.findParentJob.bind(enqueuer);
    const spy = vi.spyOn(enqueuer, 'findParentJob').mockImplementation(async (jobId) => {
      if (jobId === id) await cancelJob(id, deps());
      return realFind(jobId);
    });
    try {
      const report = await farm.app.farm.reconciler.reconcile();
      expect(report).toMatchObject({ jobsEnqueued: 0, tasksEnqueued: 0 });
    } finally {
      spy.mockRestore();
    }
    for (const t of taskIds) expect(await farm.app.queues.render.getJob(t)).toBeUndefined();
    expect((await farm.inject({ method: 'GET', url: `/api/jobs/${id}` })).json().status).toBe('canceled');
  });

  it('a worker refuses a task marked canceled that reached the queue anyway: nothing rendered, nothing stored', async () => {
    const { id, taskIds } = await submit(1);
    await cancelJob(id, deps());
    expect(await farm.app.queues.redis.exists(canceledTaskKey(farm.app.queues.prefix, taskIds[0]!))).toBe(1);
    // A copy enqueued by a race (the cancel's removal ran before it arrived).
    const [job] = await farm.app.db.select().from(tables.jobs).where(eq(tables.jobs.id, id));
    const [task] = await farm.app.db.select().from(tables.tasks).where(eq(tables.tasks.id, taskIds[0]!));
    await farm.app.farm.enqueuer.enqueueChild(job!, { ...task!, status: 'queued' });
    const worker = await farm.startWorker(1);
    try {
      const failed = await waitFor(async () => {
        if ((await farm.app.queues.render.getJobState(taskIds[0]!)) !== 'failed') return undefined;
        return farm.app.queues.render.getJob(taskIds[0]!);
      }, 60_000, 50);
      expect(failed.failedReason).toMatch(/^SF_RENDER_CANCELED/);
      expect(await farm.app.storage.list(`outputs/${id}/`)).toEqual([]);
    } finally {
      await worker.close(true);
    }
    expect((await farm.inject({ method: 'GET', url: `/api/jobs/${id}` })).json().status).toBe('canceled');
  }, 90_000);

  it('outputs that arrive for a task canceled meanwhile are deleted, not orphaned', async () => {
    const { id, taskIds } = await submit(1);
    await cancelJob(id, deps());
    const key = `outputs/${id}/${taskIds[0]}/${'a'.repeat(64)}.jpg`;
    const thumbKey = `thumbs/outputs/${id}/${taskIds[0]}/${'a'.repeat(64)}.webp`;
    await farm.app.storage.put(key, Buffer.from('late bytes'), { contentType: 'image/jpeg' });
    await farm.app.storage.put(thumbKey, Buffer.from('late thumb'), { contentType: 'image/webp' });
    await farm.app.farm.recorder.recordSuccess(taskIds[0]!, {
      outputs: [{ key, thumbKey, mime: 'image/jpeg', width: 1, height: 1, bytes: 10, sha256: 'a'.repeat(64), params: {} }],
      backend: 'local', renderMs: 5, worker: 'test',
    });
    expect(await farm.app.storage.head(key)).toBeNull();
    expect(await farm.app.storage.head(thumbKey)).toBeNull();
    const [task] = await farm.app.db.select().from(tables.tasks).where(eq(tables.tasks.id, taskIds[0]!));
    expect(task!.status).toBe('canceled');
  });

  it('a burst of cancels while workers run and the reconciler races: canceled tasks never render later, no file is left unrecorded', async () => {
    const jobs = await Promise.all(Array.from({ length: 12 }, () => submit(2)));
    const worker = await farm.startWorker(2);
    try {
      // Let a few start, then cancel everything while the reconciler runs alongside.
      await waitFor(async () => (((await farm.app.queues.render.getJobCounts('active')).active ?? 0) > 0 ? true : undefined), 60_000, 20);
      const canceledAt = new Date();
      await Promise.all([
        ...jobs.map((j) => farm.inject({ method: 'POST', url: `/api/jobs/${j.id}/cancel` })),
        farm.app.farm.reconciler.reconcile(), farm.app.farm.reconciler.reconcile(),
      ]);
      await farm.app.farm.reconciler.reconcile();
      // Wait until the queue is idle: nothing active or waiting.
      await waitFor(async () => {
        const c = await farm.app.queues.render.getJobCounts('active', 'wait', 'prioritized', 'delayed');
        return (c.active ?? 0) + (c.wait ?? 0) + (c.prioritized ?? 0) + (c.delayed ?? 0) === 0 ? true : undefined;
      }, 90_000, 100);
      const tasks = await farm.app.db.select().from(tables.tasks);
      const ours = tasks.filter((t) => jobs.some((j) => j.id === t.jobId));
      // Each task either finished before the cancel or is canceled; none succeeded after it.
      for (const t of ours) {
        expect(['succeeded', 'canceled']).toContain(t.status);
        if (t.status === 'succeeded') expect(t.finishedAt!.getTime()).toBeLessThanOrEqual(canceledAt.getTime() + 2000);
      }
      expect(ours.filter((t) => t.status === 'canceled').length).toBeGreaterThan(0);
      expect(await unreferencedOutputs()).toEqual([]);
    } finally {
      await worker.close(true);
    }
  }, 180_000);

  it('the storage sweep removes objects no row points to (after the grace period) and expired drafts, and reports them', async () => {
    const orphan = `uploads/ff/${'f'.repeat(64)}.jpg`;
    const draft = 'recipes/drafts/0190aaaa-0000-7000-8000-000000000000.json';
    await farm.app.storage.put(orphan, Buffer.from('nobody points here'), { contentType: 'image/jpeg' });
    await farm.app.storage.put(draft, Buffer.from('{}'), { contentType: 'application/json' });
    const [upload] = await farm.app.db.select().from(tables.assets).where(eq(tables.assets.id, productId));

    // Young objects are left alone: a worker may have written them and not yet reported.
    const now = await farm.app.storageSweep.sweep();
    expect(now.orphansRemoved).toEqual([]);
    expect(await farm.app.storage.head(orphan)).not.toBeNull();

    const later = await farm.app.storageSweep.sweep(Date.now() + 8 * 24 * 3600 * 1000);
    expect(later.orphansRemoved).toContain(orphan);
    expect(later.draftsRemoved).toEqual([draft]);
    expect(await farm.app.storage.head(orphan)).toBeNull();
    expect(await farm.app.storage.head(upload!.key)).not.toBeNull(); // referenced: kept
    expect(await farm.app.storage.head(upload!.thumbKey!)).not.toBeNull();

    const viaRoute = await farm.inject({ method: 'POST', url: '/api/storage/sweep' });
    expect(viaRoute.statusCode).toBe(200);
    expect(viaRoute.json()).toMatchObject({ orphansRemoved: [], draftsRemoved: [] });
  });
});
