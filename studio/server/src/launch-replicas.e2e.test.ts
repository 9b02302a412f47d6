import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LaunchView } from '@shotfarm/shared';
import { tables } from '@shotfarm/shared/db';
import { readShippedModels } from '@shotfarm/scorer/models';
import { startFarm, waitFor, type Farm } from '../test/harness.ts';
import { fixturePhotoZip, launchForm, plainPhotos } from '../test/launch-form.ts';
import { buildApp } from './app.ts';

/**
 * Two API replicas on one Redis and one database, both running the launch runner: only the replica holding a launch's
 * lease fans it out. Their passes are also forced to run at the same moment (the race a lock must win), and the holder
 * then dies without releasing: the other replica takes the launch over when the lease expires and finishes it. Every
 * SKU's job exists exactly once, and the launch never has more SKUs in the farm than LAUNCH_MAX_IN_FLIGHT.
 */
describe('a launch advanced by two API replicas', () => {
  let farm: Farm;
  let replica: FastifyInstance;
  const leaseMs = 2000;

  beforeAll(async () => {
    farm = await startFarm({ TASK_ATTEMPTS: '2', LAUNCH_POLL_MS: '100', LAUNCH_MAX_IN_FLIGHT: '1', LAUNCH_LEASE_MS: String(leaseMs) }, { listen: false });
    replica = await buildApp({ config: farm.config, redisUrl: farm.redis.url, database: farm.database, logger: false, shippedModels: await readShippedModels() });
    await replica.ready();
  }, 90_000);
  afterAll(async () => {
    await replica?.close();
    await farm.close();
  });

  it('fans each SKU out once, and a surviving replica finishes the launch after the holder dies', async () => {
    const db = farm.database.db;
    await farm.startWorker(2);
    await farm.startScorer();
    const replicas = [farm.app, replica];
    // Every submission either replica makes, by the job id the runner committed for it. Each is slowed down (a busy
    // Redis or database): a SKU stays claimed-but-not-submitted for a while, which is what a replica without the lease
    // would find and submit a second time.
    const submitted = new Map<string, number>();
    for (const r of replicas) {
      const submission = r.farm.submission;
      const submit = submission.submit.bind(submission);
      submission.submit = async (req, by) => {
        if (by?.jobId) submitted.set(by.jobId, (submitted.get(by.jobId) ?? 0) + 1);
        await new Promise((done) => setTimeout(done, 400));
        return submit(req, by);
      };
    }
    const names = [...plainPhotos];
    const manifest = `sku,title,category,photos\n${names.map((n, i) => `D-${i + 1},Item ${i + 1},home,photos/${n}`).join('\n')}\n`;
    const form = launchForm(manifest, { recipes: [{ recipe: 'product-shot/studio-local', variants: 1 }], pick: 1 }, await fixturePhotoZip());
    const res = await farm.inject({ method: 'POST', url: '/api/launches', payload: form.payload, headers: form.headers });
    expect(res.statusCode).toBe(201);
    const launchId = res.json().id as string;
    const skuRows = () => db.select().from(tables.launchSkus).where(eq(tables.launchSkus.launchId, launchId));
    const holderToken = () => farm.app.queues.redis.get(farm.app.launches.leases.keyOf(launchId));

    // Both replicas' passes at once, over and over, besides their own timers: without a lease each would see room for
    // one more SKU and claim one, two in the farm at once; with it, only the holder claims.
    let maxRendering = 0;
    const ended = (s: string) => s === 'done' || s === 'needs_review' || s === 'failed';
    await waitFor(async () => {
      await Promise.all(replicas.map((r) => r.launches.runner.tick()));
      const rows = await skuRows();
      maxRendering = Math.max(maxRendering, rows.filter((r) => r.status === 'rendering').length);
      return rows.filter((r) => ended(r.status)).length >= 2 ? true : undefined;
    }, 180_000, 50);
    expect(maxRendering).toBe(1);
    expect([...submitted.values()].filter((n) => n > 1), 'job ids submitted twice').toEqual([]);

    // Exactly one replica holds the launch, and the key in Redis is its token.
    const token = await holderToken();
    const holders = replicas.filter((r) => r.launches.leases.token === token);
    expect(holders).toHaveLength(1);
    expect(replicas.filter((r) => r.launches.leases.holds(launchId))).toHaveLength(1);
    const [holder] = holders;
    const survivor = replicas.find((r) => r !== holder)!;

    // The holder dies: it stops renewing and never releases. Its runner stops taking steps at once.
    holder!.launches.leases.abandon();
    await holder!.launches.runner.stop();
    const diedAt = Date.now();
    const view = async (): Promise<LaunchView> => (await survivor.inject({ method: 'GET', url: `/api/launches/${launchId}`, headers: farm.authHeaders })).json();
    const takenAt = await waitFor(async () => (survivor.launches.leases.holds(launchId) ? Date.now() : undefined), 30_000, 50);
    // Taken over by expiry, not before: the lease had at least two thirds of its life left (renewed every third).
    expect(takenAt - diedAt).toBeGreaterThanOrEqual(leaseMs / 2);
    const done = await waitFor(async () => {
      const rows = await skuRows();
      maxRendering = Math.max(maxRendering, rows.filter((r) => r.status === 'rendering').length);
      const v = await view();
      return v.status === 'finished' ? v : undefined;
    }, 240_000, 100);
    expect(maxRendering).toBe(1);

    expect(done.skus.total).toBe(names.length);
    expect(done.skus.pending + done.skus.rendering + done.skus.canceled).toBe(0);
    const after = await skuRows();
    for (const r of after) {
      expect(['done', 'needs_review', 'failed']).toContain(r.status);
      // A duplicate submission would have failed the SKU on the job's primary key.
      expect(r.errorCode, `${r.sku}: ${r.errorMessage}`).not.toBe('SF_INTERNAL');
      expect(r.jobIds).toHaveLength(1);
    }
    const jobs = await db.select({ id: tables.jobs.id, sku: tables.jobs.sku }).from(tables.jobs).where(eq(tables.jobs.launchId, launchId));
    expect(jobs).toHaveLength(names.length);
    expect(new Set(jobs.map((j) => j.sku)).size).toBe(names.length);
    for (const r of after) expect(jobs.find((j) => j.sku === r.sku)?.id).toBe(r.jobIds[0]);
    expect(submitted.size).toBe(names.length);
    expect([...submitted.values()].every((n) => n === 1)).toBe(true);
    // The finished launch's lease is released.
    expect(await farm.app.queues.redis.exists(farm.app.launches.leases.keyOf(launchId))).toBe(0);
  }, 420_000);
});
