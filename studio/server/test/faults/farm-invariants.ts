import { eq } from 'drizzle-orm';
import { expect } from 'vitest';
import { tables } from '@shotfarm/shared/db';
import type { Farm } from '../harness.ts';

/**
 * "Every job finished or failed with a reason; nothing lost, nothing duplicated", checked against the database
 * (jobs, tasks and asset rows), storage (objects) and the cost ledger (at most one charge per task run).
 */
export async function expectJobSettled(farm: Farm, jobId: string): Promise<void> {
  const { db } = farm.database;
  const [job] = await db.select().from(tables.jobs).where(eq(tables.jobs.id, jobId));
  expect(job, `job ${jobId}`).toBeDefined();
  const tasks = await db.select().from(tables.tasks).where(eq(tables.tasks.jobId, jobId));
  const assets = await db.select().from(tables.assets).where(eq(tables.assets.jobId, jobId));
  const charges = await db.select().from(tables.costEntries).where(eq(tables.costEntries.jobId, jobId));
  const objects = new Set(await farm.app.storage.list(''));

  expect(['succeeded', 'failed', 'partial', 'canceled']).toContain(job!.status);
  for (const task of tasks) {
    // Never stuck: each task ended, and a failed one says why.
    expect(['succeeded', 'failed', 'canceled'], `task ${task.index} is ${task.status}`).toContain(task.status);
    if (task.status === 'failed') {
      expect(task.errorCode, `task ${task.index} failed without a code`).toMatch(/^SF_/);
      expect(task.errorMessage).toBeTruthy();
    }
    const own = assets.filter((a) => a.taskId === task.id);
    // A succeeded task has its output rows, each backed by its object and thumbnail; a failed one has none.
    if (task.status === 'succeeded') expect(own.length).toBeGreaterThan(0);
    else expect(own, `task ${task.index} (${task.status}) has asset rows`).toHaveLength(0);
    // One charge per task run at most (the unique entry key guarantees it; a second run may charge again).
    const runs = charges.filter((c) => c.taskId === task.id).map((c) => c.run);
    expect(new Set(runs).size, `task ${task.index} charged twice for a run`).toBe(runs.length);
    expect(runs.length).toBeLessThanOrEqual(task.retries + 1);
  }
  for (const asset of assets) {
    expect(objects.has(asset.key), `asset ${asset.key} has no object`).toBe(true);
    if (asset.thumbKey) expect(objects.has(asset.thumbKey), `asset ${asset.key} has no thumbnail`).toBe(true);
  }
  // Nothing half-written: every object under the job's output prefix (and its thumbnails) belongs to an asset row.
  const owned = new Set(assets.flatMap((a) => [a.key, a.thumbKey].filter((k): k is string => !!k)));
  const jobObjects = [...objects].filter((k) => k.startsWith(`outputs/${jobId}/`) || k.startsWith(`thumbs/outputs/${jobId}/`));
  expect(jobObjects.filter((k) => !owned.has(k)), 'objects no asset row owns').toEqual([]);
  // No duplicate outputs: one asset row per stored output object, distinct keys.
  expect(new Set(assets.map((a) => a.key)).size).toBe(assets.length);
}
