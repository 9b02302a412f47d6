import path from 'node:path';
import fp from 'fastify-plugin';
import { LaunchExperiments } from '../services/launches/launch-experiments.ts';
import { LaunchIntake } from '../services/launches/launch-intake.ts';
import { LaunchLeases } from '../services/launches/launch-lease.ts';
import { LaunchRunner } from '../services/launches/launch-runner.ts';
import type { PhotoFetchOptions } from '../services/launches/photo-url-fetch.ts';
import { cancelJob } from '../services/jobs/job-cancellation.ts';

/** What a caller may add to how photo URLs are fetched: the rest (allow-list, limits) comes from the configuration. */
export type LaunchPhotoFetchOverrides = Pick<PhotoFetchOptions, 'resolve' | 'addressAllowed' | 'extraCa'>;

declare module 'fastify' {
  interface FastifyInstance { launches: { intake: LaunchIntake; runner: LaunchRunner; leases: LaunchLeases; experiments: LaunchExperiments } }
}

/**
 * Batch launches (issue 16): the intake that checks and commits a manifest, and the runner that advances launches
 * from the database (started when the API is ready, so a restarted API resumes every open launch).
 */
export const launchesPlugin = fp<{ photoFetch?: LaunchPhotoFetchOverrides }>(async (app, opts) => {
  const { launches: cfg } = app.config;
  const spoolDir = path.join(app.config.dataDir, 'tmp', 'launches');
  const intake = new LaunchIntake({
    db: app.db, uploads: app.uploads, recipes: app.farm.recipes, router: app.farm.costs.router, backends: app.config.renderBackends,
    urlHosts: cfg.urlHosts, spoolDir, log: app.log,
  });
  const experiments = new LaunchExperiments({
    db: app.db, log: app.log,
    start: async ({ launchId, sku, arms, createdBy }) => {
      // As POST /api/experiments would: the slot's live image, if any, joins as the control; nothing is promoted on its own.
      const created = await app.experiments.store.create({ sku, slot: 'main', arms, policy: 'thompson', autoPromote: false }, createdBy);
      await app.accounts.audit.record({ action: 'experiment.start', caller: null, target: { type: 'experiment', id: created.id },
        details: { sku, slot: 'main', arms: created.arms.map((a) => a.assetId), policy: 'thompson', launchId, launchCreatedBy: createdBy } });
      return created.id;
    },
    stop: async (experimentId, by) => {
      const view = await app.experiments.store.stop(experimentId).catch((e: unknown) => {
        // Ended meanwhile (stopped by a person, promoted): nothing left to stop.
        if ((e as { code?: string }).code === 'SF_EXPERIMENT_NOT_RUNNING') return undefined;
        throw e;
      });
      if (view) await app.accounts.audit.record({ action: 'experiment.stop', caller: null, target: { type: 'experiment', id: view.id }, details: { sku: view.sku, slot: view.slot, reason: 'launch pick swap', by } });
    },
    impressions: async (experimentId) => {
      // Counters still in Redis are flushed first: an impression counted a second ago counts.
      await app.experiments.flusher.flush(experimentId);
      return (await app.experiments.store.tally(experimentId)).totals.reduce((n, t) => n + t.impressions, 0);
    },
  });
  // Only the replica holding a launch's lease advances it: API replicas share Redis and the database.
  const leases = new LaunchLeases(app.queues.redis, app.queues.prefix, { leaseMs: cfg.leaseMs, log: app.log });
  const runner = new LaunchRunner({
    db: app.db, submission: app.farm.submission, recipes: app.farm.recipes, uploads: app.uploads, spoolDir, log: app.log,
    fetch: { hosts: cfg.urlHosts, maxBytes: cfg.urlMaxBytes, timeoutMs: cfg.urlTimeoutMs, ...opts.photoFetch },
    maxInFlight: cfg.maxInFlight, pollMs: cfg.pollMs,
    leases,
    cancelJob: (jobId) => cancelJob(jobId, { recorder: app.farm.recorder, enqueuer: app.farm.enqueuer, queues: app.queues }),
    experiments,
  });
  app.decorate('launches', { intake, runner, leases, experiments });
  // A job of a launch that ends may free a SKU: advance at once rather than at the next poll.
  const stopWatching = app.farm.bus.subscribeAll((e) => { if (e.type === 'job-done') runner.poke(); });
  app.addHook('onReady', async () => { runner.start(); });
  app.addHook('preClose', async () => {
    stopWatching();
    await runner.stop();
  });
}, { name: 'shotfarm-launches', fastify: '5.x', dependencies: ['shotfarm-config', 'shotfarm-db', 'shotfarm-queue', 'shotfarm-auth', 'shotfarm-farm', 'shotfarm-uploads', 'shotfarm-experiments'] });
