import { Job, type FlowJob, type JobsOptions } from 'bullmq';
import { inArray } from 'drizzle-orm';
import type { RenderTask } from '@shotfarm/shared';
import { tables, type Db } from '@shotfarm/shared/db';
import { keepCompletedFlowParents, keepCompletedJobs, keepFailedJobs, queueNames } from '@shotfarm/shared/queue';
import type { FarmQueues } from '../../plugins/queue.ts';

type JobRow = typeof tables.jobs.$inferSelect;
type TaskRow = typeof tables.tasks.$inferSelect;

export interface TaskQueueOptions {
  attempts: number;
  backoffMs: number;
  /** Backend of each recipe, by recipe id. */
  backendOf: (recipeId: string) => string;
}

/**
 * Puts database jobs onto BullMQ: one flow per job, a parent in `jobs` and a child per task in `render`.
 * BullMQ ids are our ids, so adding what is already there is a no-op: that is what lets the reconciler
 * call this as often as it likes.
 */
export class TaskEnqueuer {
  constructor(private readonly db: Db, private readonly queues: FarmQueues, private readonly opts: TaskQueueOptions) {}

  /** Enqueue a job's open tasks as a flow. Safe to repeat. */
  async enqueueJob(job: JobRow, tasks: TaskRow[]): Promise<void> {
    const renderTasks = await this.#renderTasks(job, tasks);
    const flow: FlowJob = {
      name: job.type, queueName: queueNames.jobs, data: { jobId: job.id },
      opts: { jobId: job.id, removeOnComplete: keepCompletedFlowParents, removeOnFail: keepFailedJobs },
      children: renderTasks.map((t) => ({ name: job.type, queueName: queueNames.render, data: t, opts: this.#childOptions(job, t.taskId) })),
    };
    await this.queues.flow.add(flow);
  }

  /** Add one task to a job whose flow parent already exists (the reconciler's repair for a lost child). */
  async enqueueChild(job: JobRow, task: TaskRow): Promise<void> {
    const [renderTask] = await this.#renderTasks(job, [task]);
    await this.queues.render.add(job.type, renderTask, {
      ...this.#childOptions(job, task.id),
      parent: { id: job.id, queue: `${this.queues.prefix}:${queueNames.jobs}` },
    });
  }

  async findRenderJob(taskId: string): Promise<Job | undefined> {
    return Job.fromId(this.queues.render, taskId);
  }

  async findParentJob(jobId: string): Promise<Job | undefined> {
    return Job.fromId(this.queues.jobs, jobId);
  }

  #childOptions(job: JobRow, taskId: string): JobsOptions {
    return {
      jobId: taskId,
      attempts: this.opts.attempts,
      backoff: { type: 'exponential', delay: this.opts.backoffMs },
      // BullMQ: 1 is the highest priority; ours is 10 = most urgent.
      priority: 11 - job.priority,
      // Removed by the manager once recorded (recordFinishedRenderJob); these bound what nobody records.
      removeOnComplete: keepCompletedJobs,
      removeOnFail: keepFailedJobs,
      // A failed task must not block the job: the parent still runs and records the failure.
      ignoreDependencyOnFailure: true,
    };
  }

  async #renderTasks(job: JobRow, tasks: TaskRow[]): Promise<RenderTask[]> {
    const assetIds = Object.values(job.inputs);
    const assetRows = assetIds.length === 0 ? [] : await this.db.select({ id: tables.assets.id, key: tables.assets.key, mime: tables.assets.mime })
      .from(tables.assets).where(inArray(tables.assets.id, assetIds));
    const byId = new Map(assetRows.map((a) => [a.id, a]));
    const inputs: RenderTask['inputs'] = {};
    for (const [name, id] of Object.entries(job.inputs)) {
      const asset = byId.get(id);
      if (asset) inputs[name] = { key: asset.key, mime: asset.mime };
    }
    return tasks.map((t) => ({
      jobId: job.id, taskId: t.id, jobType: job.type,
      recipe: { id: job.recipeId, version: job.recipeVersion, ...(job.trial ? { trial: job.trial.manifestSha256 } : {}) },
      // A trial's draft is in no catalog: its job says where it runs (and maybe on which server).
      backend: job.trial?.backend ?? this.opts.backendOf(job.recipeId), inputs, params: t.params,
      ...(job.trial?.server ? { server: job.trial.server } : {}),
      // A sweep's tasks run cell by cell, `variants` each: the variant index restarts per cell so every cell
      // gets the same compositions and only the swept values differ.
      variantIndex: t.index % job.variants, seed: t.seed,
    }));
  }
}
