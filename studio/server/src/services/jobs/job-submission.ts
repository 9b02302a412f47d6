import { randomInt } from 'node:crypto';
import { inArray } from 'drizzle-orm';
import { newId, type JobAccepted, type JobRequest, type JobTrial, type Params } from '@shotfarm/shared';
import { tables, type Db } from '@shotfarm/shared/db';
import type { Recipe } from '@shotfarm/workflows';
import {
  BackendRequiredError, JobInputInvalidError, JobParamsInvalidError, RecipeUnknownError, withDetails,
} from '../../errors.ts';
import { expandSweep } from './job-sweep.ts';
import type { TaskEnqueuer } from './task-enqueuer.ts';
import type { BackendRouter } from '../costs/backend-router.ts';
import type { BudgetGuard } from '../costs/budget-guard.ts';

export interface JobSubmissionOptions {
  recipes: ReadonlyMap<string, Recipe>;
  /** Backends the farm runs (RENDER_BACKENDS); a recipe needing another one is refused. */
  backends: readonly string[];
  /** Routing (`backend: "auto"`), the estimate and the budget check before anything is stored. */
  costs?: { router: BackendRouter; budgets: BudgetGuard };
  /**
   * Whether the queue's connection is up now, and how long an enqueue may take: a job committed while Redis is down
   * is answered `queue: "deferred"` at once (the reconciler enqueues it when Redis is back) instead of hanging.
   */
  queue?: { ready: () => boolean; timeoutMs: number; log?: (o: object, msg: string) => void };
  /** A pinned `recipeVersion` (issue 13): that published version, refused when unknown or deprecated. */
  pinned?: (ref: { id: string; version: number }) => Promise<Recipe>;
}

/**
 * Turns a request into a job: check it against its recipe, commit the job and its tasks to the
 * database, then enqueue. Database first: if the process dies before the enqueue, the reconciler
 * finds the queued tasks and enqueues them (the outbox pattern).
 */
export class JobSubmission {
  constructor(private readonly db: Db, private readonly enqueuer: TaskEnqueuer, private readonly opts: JobSubmissionOptions) {}

  /** `createdBy`: the submitting user (a key's creator), recorded on the job and, by the recorder, on its outputs. */
  /** `jobId`, `launchId`, `sku`: a batch launch (issue 16) names the job id it committed beforehand and the SKU it renders for. */
  /** `trial`: a designer's trial run of a draft (issue 13): its recipe, compiled from the draft's snapshot, runs as it is (no routing). */
  async submit(req: JobRequest, by: { createdBy?: string | null; jobId?: string; launchId?: string; sku?: string; trial?: { recipe: Recipe; record: JobTrial } } = {}): Promise<JobAccepted> {
    const requested = by.trial?.recipe ?? (req.recipeVersion !== undefined && this.opts.pinned
      ? await this.opts.pinned({ id: req.recipe, version: req.recipeVersion }) : this.opts.recipes.get(req.recipe));
    if (!requested) {
      throw withDetails(new RecipeUnknownError(`recipe "${req.recipe}" does not exist`), { field: 'recipe', known: [...this.opts.recipes.keys()] });
    }
    if (requested.type !== req.type) {
      throw withDetails(new RecipeUnknownError(`recipe "${requested.id}" makes ${requested.type}, not ${req.type}`), { field: 'type' });
    }
    // A trial tries this draft on its own backend: swapping in another recipe would try something else.
    const routed = this.opts.costs && !by.trial ? await this.opts.costs.router.route({ ...req, backend: req.backend ?? 'auto' }, requested) : undefined;
    // Routing staying on the requested recipe keeps the requested (possibly pinned) version.
    const recipe = routed && routed.recipe.id !== requested.id ? routed.recipe : requested;
    if (!this.opts.backends.includes(recipe.backend)) {
      // Name every backend some recipe of this type runs on, so the operator learns what to configure.
      const able = [...new Set([recipe.backend, ...[...this.opts.recipes.values()].filter((r) => r.type === recipe.type).map((r) => r.backend)])].sort();
      throw withDetails(new BackendRequiredError(
        `recipe "${recipe.id}" needs the ${recipe.backend} backend, which this farm does not run (it runs ${this.opts.backends.join(', ')}); ` +
        `${recipe.type} jobs run on ${able.join(', ')}`),
      { field: 'recipe', backends: able, configured: [...this.opts.backends] });
    }
    const params = this.#checkParams(recipe, req.params);
    const grid = req.sweep ? expandSweep(recipe, params, req.sweep, req.variants) : undefined;
    await this.#checkInputs(recipe, req.inputs);

    const jobId = by.jobId ?? newId();
    const seedBase = randomInt(2 ** 31);
    // Every cell compiles with the same seed base, so the cells of a sweep differ only in the swept values.
    const variants = (grid?.cells ?? [params]).flatMap((cellParams) =>
      recipe.compile({ params: cellParams, variants: req.variants, seedBase }));
    const job = {
      id: jobId, type: req.type, recipeId: recipe.id, recipeVersion: recipe.version, status: 'queued' as const,
      params, inputs: req.inputs, variants: req.variants, priority: req.priority, sweep: grid?.axes ?? null,
      createdBy: by.createdBy ?? null, launchId: by.launchId ?? null, sku: by.sku ?? null, trial: by.trial?.record ?? null,
    };
    const taskRows = variants.map((v, index) => ({ id: newId(), jobId, index, status: 'queued' as const, params: v.params, seed: v.seed }));
    // Priced before anything is stored: a job over its budget or today's cap is refused with nothing written.
    const estimateMilliFen = routed ? routed.perTaskMilliFen * taskRows.length : null;
    await this.opts.costs?.budgets.checkSubmission(estimateMilliFen, req.budget ?? null);
    const inserted = await this.db.transaction(async (tx) => {
      const [j] = await tx.insert(tables.jobs).values({ ...job, estimateMilliFen, budgetMilliFen: req.budget ?? null, routing: routed?.decision ?? null }).returning();
      const ts = await tx.insert(tables.tasks).values(taskRows).returning();
      return { job: j!, tasks: ts };
    });
    return { id: jobId, status: 'queued', queue: await this.#enqueue(inserted.job, inserted.tasks) };
  }

  /** Enqueue after the commit, bounded: on a queue that is down the job stays in the outbox for the reconciler. */
  async #enqueue(job: Parameters<TaskEnqueuer['enqueueJob']>[0], tasks: Parameters<TaskEnqueuer['enqueueJob']>[1]): Promise<'enqueued' | 'deferred'> {
    const queue = this.opts.queue;
    if (!queue) { await this.enqueuer.enqueueJob(job, tasks); return 'enqueued'; }
    if (!queue.ready()) {
      queue.log?.({ jobId: job.id }, 'Redis is down: job committed, enqueue deferred to the reconciler');
      return 'deferred';
    }
    let timer: NodeJS.Timeout | undefined;
    const attempt = this.enqueuer.enqueueJob(job, tasks).then(() => 'enqueued' as const);
    const timeout = new Promise<'deferred'>((resolve) => { timer = setTimeout(() => resolve('deferred'), queue.timeoutMs); });
    const outcome = await Promise.race([attempt.catch(() => 'deferred' as const), timeout]).finally(() => clearTimeout(timer));
    // A late enqueue may still land when Redis returns: harmless, BullMQ ids are ours and the reconciler's add is a no-op then.
    attempt.catch(() => undefined);
    if (outcome === 'deferred') queue.log?.({ jobId: job.id }, 'enqueue did not finish in time: job committed, enqueue deferred to the reconciler');
    return outcome;
  }

  #checkParams(recipe: Recipe, raw: Params): Params {
    const parsed = recipe.params.safeParse(raw);
    if (parsed.success) return JSON.parse(JSON.stringify(parsed.data)) as Params;
    const fields = parsed.error.issues.map((i) => ({
      field: ['params', ...(i.code === 'unrecognized_keys' ? [i.keys.join(',')] : i.path.map(String))].join('.'),
      message: i.message,
    }));
    const first = fields[0]!;
    throw withDetails(new JobParamsInvalidError(`${first.field}: ${first.message}`), { fields });
  }

  async #checkInputs(recipe: Recipe, inputs: Record<string, string>): Promise<void> {
    const known = new Map(recipe.inputs.map((i) => [i.name, i]));
    for (const name of Object.keys(inputs)) {
      if (!known.has(name)) {
        throw withDetails(new JobInputInvalidError(`inputs.${name}: recipe "${recipe.id}" has no input "${name}" (it takes ${[...known.keys()].join(', ')})`), { field: `inputs.${name}` });
      }
    }
    for (const input of recipe.inputs) {
      if (input.required && inputs[input.name] === undefined) {
        throw withDetails(new JobInputInvalidError(`inputs.${input.name}: required`), { field: `inputs.${input.name}` });
      }
    }
    const ids = Object.values(inputs);
    const rows = ids.length === 0 ? [] : await this.db.select({ id: tables.assets.id, mime: tables.assets.mime }).from(tables.assets).where(inArray(tables.assets.id, ids));
    const byId = new Map(rows.map((r) => [r.id, r]));
    for (const [name, id] of Object.entries(inputs)) {
      const asset = byId.get(id);
      if (!asset) throw withDetails(new JobInputInvalidError(`inputs.${name}: asset ${id} does not exist`), { field: `inputs.${name}` });
      if (!asset.mime.startsWith('image/')) {
        throw withDetails(new JobInputInvalidError(`inputs.${name}: asset ${id} is ${asset.mime}, an image is needed`), { field: `inputs.${name}` });
      }
    }
  }
}
