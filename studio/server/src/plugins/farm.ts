import fp from 'fastify-plugin';
import { recipes as allRecipes, type Recipe } from '@shotfarm/workflows';
import { JobEventBus } from '../services/jobs/job-event-bus.ts';
import { JobFinalizer } from '../services/jobs/job-finalizer.ts';
import { JobSubmission } from '../services/jobs/job-submission.ts';
import { Reconciler } from '../services/jobs/reconciler.ts';
import { ModelRegistry, type ShippedModel } from '../services/scores/model-registry.ts';
import { RenderEventListener } from '../services/jobs/render-event-listener.ts';
import { ScoreLedger } from '../services/scores/score-ledger.ts';
import { TaskEnqueuer } from '../services/jobs/task-enqueuer.ts';
import { TaskRecorder } from '../services/jobs/task-recorder.ts';
import { attachBudgets, createCostServices, type CostServices } from '../services/costs/index.ts';
import { RecipeCatalog } from '../services/recipes/recipe-catalog.ts';
import { RecipeDrafts } from '../services/recipes/recipe-drafts.ts';
import { RecipeCapabilities } from '../services/recipes/recipe-capabilities.ts';
import { RecipeTrials } from '../services/recipes/recipe-trials.ts';

/** How often the recipe catalog re-reads published versions (another API replica may have published one). */
const recipeReloadMs = 30_000;

/** The manager's services, wired once: what the job routes use and what runs in the background. */
export interface Farm {
  /** Per recipe id, the version offered for new jobs (the catalog's live map: publish and deprecate update it). */
  recipes: ReadonlyMap<string, Recipe>;
  /** Published recipe versions (issue 13), the drafts designers finish into them, their trial runs, and which servers can run what. */
  catalog: RecipeCatalog;
  drafts: RecipeDrafts;
  trials: RecipeTrials;
  capabilities: RecipeCapabilities;
  bus: JobEventBus;
  recorder: TaskRecorder;
  enqueuer: TaskEnqueuer;
  submission: JobSubmission;
  reconciler: Reconciler;
  scores: ScoreLedger;
  models: ModelRegistry;
  /** The price book, the ledger, routing and budgets. */
  costs: CostServices;
}

export interface FarmPluginOptions {
  /** Models this release ships (the CTR model trained by the scorer package); registered at start-up. */
  shippedModels?: readonly ShippedModel[];
}

declare module 'fastify' {
  interface FastifyInstance { farm: Farm }
}

/**
 * The manager side of the farm (as in Flamenco): records what workers report, finalises jobs,
 * and reconciles the database with Redis at start-up and on a timer.
 */
export const farmPlugin = fp<FarmPluginOptions>(async (app, opts) => {
  const catalog = new RecipeCatalog(app.db, app.storage, { shipped: allRecipes, log: app.log });
  const drafts = new RecipeDrafts(app.storage, catalog);
  const recipes = catalog.recipes;
  const bus = new JobEventBus();
  const capabilities = new RecipeCapabilities(app.config.comfyui.servers);
  const costs = await createCostServices({ db: app.db, config: app.config, recipes, capabilities, redis: app.queues.redis, queuePrefix: app.queues.prefix, log: app.log });
  const recorder = new TaskRecorder(app.db, bus, costs.ledger, app.log);
  recorder.deleteLateOutputsFrom(app.storage);
  const enqueuer = new TaskEnqueuer(app.db, app.queues, {
    attempts: app.config.taskAttempts, backoffMs: app.config.taskBackoffMs,
    backendOf: (id) => recipes.get(id)?.backend ?? 'local',
  });
  const budgets = attachBudgets(costs, { db: app.db, recorder, enqueuer, log: app.log });
  const submission = new JobSubmission(app.db, enqueuer, {
    recipes, backends: app.config.renderBackends, costs: { router: costs.router, budgets },
    queue: { ready: () => app.queues.redis.status === 'ready', timeoutMs: app.config.operations.dependencyTimeoutMs, log: (o, msg) => app.log.warn(o, msg) },
    pinned: (ref) => catalog.forNewJob(ref),
  });
  const trials = new RecipeTrials({ drafts, storage: app.storage, submission, capabilities, comfyServers: app.config.comfyui.servers.map((s) => s.name) });
  const scores = new ScoreLedger(app.db, app.queues, { attempts: app.config.taskAttempts, backoffMs: app.config.taskBackoffMs });
  const models = new ModelRegistry(app.db, app.storage, app.queues.redis, app.queues.prefix);
  const reconciler = new Reconciler(app.db, enqueuer, recorder, scores, app.log);
  const listener = new RenderEventListener(app.queues, recorder, enqueuer, app.log);
  const finalizer = new JobFinalizer(app.queues, recorder);
  app.decorate('farm', { recipes, catalog, drafts, trials, capabilities, bus, recorder, enqueuer, submission, reconciler, scores, models, costs });

  // Every charged attempt may leave a job (or the day) without room for its queued tasks: the budget gate skips them.
  const stopBudgetGate = bus.subscribeAll((e) => {
    if (e.type === 'task-done' && e.status !== 'skipped_budget') void budgets.afterAttempt(e.jobId);
  });

  // Every output is scored as soon as its task is recorded; the reconciler catches any this misses.
  const stopScoringOutputs = bus.subscribeAll((e) => {
    if (e.type === 'task-done' && e.status === 'succeeded') {
      scores.enqueueMissing(e.outputAssetIds).catch((err: unknown) => app.log.error({ err }, 'enqueueing scores failed'));
    }
  });
  const recordScore = ({ jobId }: { jobId: string }) => {
    scores.findJob(jobId).then((job) => job && scores.recordFinished(job))
      .catch((err: unknown) => app.log.error({ err }, 'recording a score failed'));
  };

  app.addHook('onReady', async () => {
    // Shipped recipes seeded as version 1, published ones loaded; re-read now and then so other API replicas follow.
    await catalog.start(recipeReloadMs);
    await models.ensureShipped(opts.shippedModels ?? []);
    costs.meters.start(app.config.comfyui.healthIntervalMs);
    app.queues.scoreEvents.on('completed', recordScore);
    listener.start();
    await finalizer.start();
    await reconciler.reconcile();
    reconciler.start(app.config.reconcileIntervalMs);
  });
  app.addHook('preClose', async () => {
    catalog.stop();
    stopBudgetGate();
    costs.meters.stop();
    await budgets.settle();
    stopScoringOutputs();
    app.queues.scoreEvents.off('completed', recordScore);
    reconciler.stop();
    listener.stop();
    await finalizer.stop();
  });
}, { name: 'shotfarm-farm', fastify: '5.x', dependencies: ['shotfarm-config', 'shotfarm-db', 'shotfarm-queue', 'shotfarm-storage'] });
