import { readFile } from 'node:fs/promises';
import { eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobView } from '@shotfarm/shared';
import { tables } from '@shotfarm/shared/db';
import { keepFailedJobs } from '@shotfarm/shared/queue';
import { multipartFile, plainProductPhoto, startFarm, waitFor, type Farm } from '../../../test/harness.ts';

/**
 * What Redis keeps of finished work: a launch of thousands of SKUs once left every completed render, flow parent and
 * score job in Redis for a day, so used_memory grew with every SKU finished. Results live in the database; Redis holds
 * a completed job only until the manager has recorded it. Failed jobs stay, bounded, for inspection.
 */
describe('finished BullMQ jobs', () => {
  let farm: Farm;
  let productId: string;
  let productKey: string;
  let photo: Buffer;

  beforeAll(async () => {
    farm = await startFarm({ TASK_ATTEMPTS: '1' });
    await farm.startWorker(2);
    await farm.startScorer();
    photo = await readFile(plainProductPhoto());
    productId = (await farm.inject({ method: 'POST', url: '/api/assets', ...multipartFile(photo, 'vase.jpg') })).json().id;
    const [row] = await farm.database.db.select({ key: tables.assets.key }).from(tables.assets).where(eq(tables.assets.id, productId));
    productKey = row!.key;
  }, 60_000);
  afterAll(() => farm.close());

  const submit = async (variants: number): Promise<string> => (await farm.inject({
    method: 'POST', url: '/api/jobs', payload: { type: 'product-shot', recipe: 'product-shot/studio-local', inputs: { product: productId }, variants },
  })).json().id;
  const finished = (id: string) => waitFor(async () => {
    const v = (await farm.inject({ method: 'GET', url: `/api/jobs/${id}` })).json() as JobView;
    return ['succeeded', 'failed', 'canceled'].includes(v.status) ? v : undefined;
  }, 60_000);
  const counts = async () => {
    const { render, jobs, score } = farm.app.queues;
    return {
      render: await render.getJobCounts('completed', 'failed'), jobs: await jobs.getJobCounts('completed', 'failed'), score: await score.getJobCounts('completed', 'failed'),
    };
  };

  it('removes completed render tasks, flow parents and score jobs once their results are recorded', async () => {
    const id = await submit(3);
    const view = await finished(id);
    expect(view.status).toBe('succeeded');
    // Every output scored (the score rows are the recorded results) …
    const outputs = await farm.database.db.select({ id: tables.assets.id }).from(tables.assets).where(eq(tables.assets.jobId, id));
    expect(outputs).toHaveLength(3);
    await waitFor(async () => {
      const scored = await farm.database.db.select({ id: tables.scores.id }).from(tables.scores).where(inArray(tables.scores.assetId, outputs.map((o) => o.id)));
      return scored.length === 3 ? true : undefined;
    }, 60_000);
    // … and nothing completed is left in Redis (the recorders remove after the commit, a moment later).
    const left = await waitFor(async () => {
      const c = await counts();
      return c.render.completed === 0 && c.jobs.completed === 0 && c.score.completed === 0 ? c : undefined;
    }, 10_000);
    expect(left.render.completed).toBe(0);
    for (const t of view.tasks) expect(await farm.app.farm.enqueuer.findRenderJob(t.id)).toBeUndefined();
    expect(await farm.app.farm.enqueuer.findParentJob(id)).toBeUndefined();
    // No key of the job, its tasks or their scores is left: only queue-level keys (meta, events, counters).
    const keys = await farm.app.queues.redis.keys(`${farm.app.queues.prefix}:*`);
    const mentions = [id, ...view.tasks.map((t) => t.id), ...outputs.map((o) => o.id)];
    expect(keys.filter((k) => mentions.some((m) => k.includes(m)))).toEqual([]);

    // A reconcile pass after the removal finds the results in the database: it enqueues and renders nothing again.
    const report = await farm.app.farm.reconciler.reconcile();
    expect(report).toEqual({ jobsEnqueued: 0, tasksEnqueued: 0, tasksRecorded: 0, scoresEnqueued: 0, scoresRecorded: 0 });
    expect((await counts()).render).toEqual({ completed: 0, failed: 0 });
  }, 120_000);

  it('keeps a failed task for inspection, bounded by age and count', async () => {
    await farm.app.storage.delete(productKey);
    try {
      const id = await submit(1);
      const view = await finished(id);
      expect(view.status).toBe('failed');
      const [task] = view.tasks;
      const kept = await farm.app.farm.enqueuer.findRenderJob(task!.id);
      expect(kept).toBeDefined();
      expect(await kept!.getState()).toBe('failed');
      expect(kept!.opts.removeOnFail).toEqual(keepFailedJobs);
      expect(keepFailedJobs.count).toBeGreaterThan(0);
      expect(keepFailedJobs.age).toBeGreaterThan(0);
    } finally {
      await farm.app.storage.put(productKey, photo, { contentType: 'image/jpeg' });
    }
  }, 120_000);
});
