import path from 'node:path';
import fp from 'fastify-plugin';
import { LaunchIntake } from '../services/launches/launch-intake.ts';
import { LaunchRunner } from '../services/launches/launch-runner.ts';
import { cancelJob } from '../services/jobs/job-cancellation.ts';

declare module 'fastify' {
  interface FastifyInstance { launches: { intake: LaunchIntake; runner: LaunchRunner } }
}

/**
 * Batch launches (issue 16): the intake that checks and commits a manifest, and the runner that advances launches
 * from the database (started when the API is ready, so a restarted API resumes every open launch).
 */
export const launchesPlugin = fp(async (app) => {
  const { launches: cfg } = app.config;
  const spoolDir = path.join(app.config.dataDir, 'tmp', 'launches');
  const intake = new LaunchIntake({
    db: app.db, uploads: app.uploads, recipes: app.farm.recipes, router: app.farm.costs.router, backends: app.config.renderBackends,
    urlHosts: cfg.urlHosts, spoolDir, log: app.log,
  });
  const runner = new LaunchRunner({
    db: app.db, submission: app.farm.submission, recipes: app.farm.recipes, uploads: app.uploads, spoolDir, log: app.log,
    fetch: { hosts: cfg.urlHosts, maxBytes: cfg.urlMaxBytes, timeoutMs: cfg.urlTimeoutMs },
    maxInFlight: cfg.maxInFlight, pollMs: cfg.pollMs,
    cancelJob: (jobId) => cancelJob(jobId, { recorder: app.farm.recorder, enqueuer: app.farm.enqueuer, queues: app.queues }),
    startExperiment: async (sku, arms, createdBy) => {
      await app.experiments.store.create({ sku, slot: 'main', arms, policy: 'thompson', autoPromote: false }, createdBy);
    },
  });
  app.decorate('launches', { intake, runner });
  // A job of a launch that ends may free a SKU: advance at once rather than at the next poll.
  const stopWatching = app.farm.bus.subscribeAll((e) => { if (e.type === 'job-done') runner.poke(); });
  app.addHook('onReady', async () => { runner.start(); });
  app.addHook('preClose', async () => {
    stopWatching();
    await runner.stop();
  });
}, { name: 'shotfarm-launches', fastify: '5.x', dependencies: ['shotfarm-config', 'shotfarm-db', 'shotfarm-queue', 'shotfarm-farm', 'shotfarm-uploads', 'shotfarm-experiments'] });
