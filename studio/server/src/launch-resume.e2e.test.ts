import { and, eq, sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId, type LaunchView } from '@shotfarm/shared';
import { tables } from '@shotfarm/shared/db';
import { readShippedModels } from '@shotfarm/scorer/models';
import { startFarm, waitFor, type Farm } from '../test/harness.ts';
import { fixturePhotoZip, launchForm, plainPhotos } from '../test/launch-form.ts';
import { buildApp } from './app.ts';

/**
 * The API and the workers stopped mid-launch (workers force-closed with tasks in hand, the API closed between passes,
 * and a SKU left exactly as a crash between "claim committed" and "jobs submitted" leaves it), then started again on
 * the same database and Redis: the launch finishes, every SKU ends exactly once, no job is submitted twice.
 */
describe('a launch survives the API and the workers stopping mid-way', () => {
  let farm: Farm;
  let restarted: FastifyInstance | undefined;

  beforeAll(async () => {
    farm = await startFarm({ TASK_ATTEMPTS: '3', LAUNCH_POLL_MS: '200', LAUNCH_MAX_IN_FLIGHT: '2' }, { listen: false });
  }, 60_000);
  afterAll(async () => {
    await restarted?.close();
    await farm.close();
  });

  it('resumes where it stopped: no SKU lost, none duplicated', async () => {
    const db = farm.database.db;
    const worker = await farm.startWorker(1);
    await farm.startScorer();
    const names = [...plainPhotos, ...plainPhotos.slice(0, 2)];
    const manifest = `sku,title,category,photos\n${names.map((n, i) => `R-${i + 1},Item ${i + 1},home,photos/${n}`).join('\n')}\n`;
    const form = launchForm(manifest, { recipes: [{ recipe: 'product-shot/studio-local', variants: 2 }], pick: 1 }, await fixturePhotoZip());
    const res = await farm.inject({ method: 'POST', url: '/api/launches', payload: form.payload, headers: form.headers });
    expect(res.statusCode).toBe(201);
    const launchId = res.json().id as string;
    const skuRows = () => db.select().from(tables.launchSkus).where(eq(tables.launchSkus.launchId, launchId));

    // Back-pressure: never more than LAUNCH_MAX_IN_FLIGHT SKUs in the farm; wait until the first has ended.
    let maxRendering = 0;
    await waitFor(async () => {
      const rows = await skuRows();
      maxRendering = Math.max(maxRendering, rows.filter((r) => r.status === 'rendering').length);
      return rows.some((r) => r.status === 'done' || r.status === 'needs_review' || r.status === 'failed') ? true : undefined;
    }, 120_000, 100);
    expect(maxRendering).toBeLessThanOrEqual(2);

    // Kill: the worker with its task in hand, then the API.
    await worker.close(true);
    await farm.app.close();

    // A crash between a claim's commit and its submissions: one SKU claimed with ids no job has yet, and one whose job
    // exists but was never marked submitted. The restarted runner must submit the first and not duplicate the second.
    const rows = await skuRows();
    const pending = rows.find((r) => r.status === 'pending');
    const rendering = rows.find((r) => r.status === 'rendering');
    if (pending) await db.update(tables.launchSkus).set({ status: 'rendering', jobIds: [newId()], submitted: false }).where(eq(tables.launchSkus.id, pending.id));
    if (rendering) await db.update(tables.launchSkus).set({ submitted: false }).where(eq(tables.launchSkus.id, rendering.id));
    const before = Object.fromEntries(rows.map((r) => [r.sku, r.status]));

    restarted = await buildApp({ config: farm.config, redisUrl: farm.redis.url, database: farm.database, logger: false, shippedModels: await readShippedModels() });
    await restarted.ready();
    await farm.startWorker(1);
    const view = async (): Promise<LaunchView> => (await restarted!.inject({ method: 'GET', url: `/api/launches/${launchId}`, headers: farm.authHeaders })).json();
    const done = await waitFor(async () => {
      const v = await view();
      return v.status === 'finished' ? v : undefined;
    }, 240_000, 250);

    expect(done.skus.total).toBe(names.length);
    expect(done.skus.pending + done.skus.rendering + done.skus.canceled).toBe(0);
    const after = await skuRows();
    for (const r of after) {
      expect(['done', 'needs_review', 'failed'], `${r.sku} was ${before[r.sku]}`).toContain(r.status);
      expect(r.jobIds).toHaveLength(1);
    }
    // Exactly one job per SKU, and it is the one the SKU names.
    const jobs = await db.select({ id: tables.jobs.id, sku: tables.jobs.sku }).from(tables.jobs).where(eq(tables.jobs.launchId, launchId));
    expect(jobs).toHaveLength(names.length);
    expect(new Set(jobs.map((j) => j.sku)).size).toBe(names.length);
    for (const r of after) expect(jobs.find((j) => j.sku === r.sku)?.id).toBe(r.jobIds[0]);
    // Two tasks per job, no more; at most one ledger line per task run.
    const tasks = await db.select({ n: sql<number>`count(*)::int` }).from(tables.tasks).innerJoin(tables.jobs, eq(tables.jobs.id, tables.tasks.jobId)).where(eq(tables.jobs.launchId, launchId));
    expect(tasks[0]!.n).toBe(names.length * 2);
    const lines = await db.select({ key: tables.costEntries.entryKey, n: sql<number>`count(*)::int` }).from(tables.costEntries)
      .where(and(eq(tables.costEntries.launchId, launchId))).groupBy(tables.costEntries.entryKey);
    expect(lines.every((l) => l.n === 1)).toBe(true);
  }, 400_000);
});
