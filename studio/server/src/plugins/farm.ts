import fp from 'fastify-plugin';
import { recipes as allRecipes, type Recipe } from '@shotfarm/workflows';
import { JobEventBus } from '../services/job-event-bus.ts';
import { JobFinalizer } from '../services/job-finalizer.ts';
import { JobSubmission } from '../services/job-submission.ts';
import { Reconciler } from '../services/reconciler.ts';
import { RenderEventListener } from '../services/render-event-listener.ts';
import { TaskEnqueuer } from '../services/task-enqueuer.ts';
import { TaskRecorder } from '../services/task-recorder.ts';

/** The manager's services, wired once: what the job routes use and what runs in the background. */
export interface Farm {
  recipes: ReadonlyMap<string, Recipe>;
  bus: JobEventBus;
  recorder: TaskRecorder;
  enqueuer: TaskEnqueuer;
  submission: JobSubmission;
  reconciler: Reconciler;
}

declare module 'fastify' {
  interface FastifyInstance { farm: Farm }
}

/**
 * The manager side of the farm (as in Flamenco): records what workers report, finalises jobs,
 * and reconciles the database with Redis at start-up and on a timer.
 */
export const farmPlugin = fp(async (app) => {
  const recipes = allRecipes;
  const bus = new JobEventBus();
  const recorder = new TaskRecorder(app.db, bus);
  const enqueuer = new TaskEnqueuer(app.db, app.queues, {
    attempts: app.config.taskAttempts, backoffMs: app.config.taskBackoffMs,
    backendOf: (id) => recipes.get(id)?.backend ?? 'local',
  });
  const submission = new JobSubmission(app.db, enqueuer, { recipes, backends: app.config.renderBackends });
  const reconciler = new Reconciler(app.db, enqueuer, recorder, app.log);
  const listener = new RenderEventListener(app.queues, recorder, enqueuer, app.log);
  const finalizer = new JobFinalizer(app.queues, recorder);
  app.decorate('farm', { recipes, bus, recorder, enqueuer, submission, reconciler });

  app.addHook('onReady', async () => {
    listener.start();
    await finalizer.start();
    await reconciler.reconcile();
    reconciler.start(app.config.reconcileIntervalMs);
  });
  app.addHook('preClose', async () => {
    reconciler.stop();
    listener.stop();
    await finalizer.stop();
  });
}, { name: 'shotfarm-farm', fastify: '5.x', dependencies: ['shotfarm-config', 'shotfarm-db', 'shotfarm-queue'] });
