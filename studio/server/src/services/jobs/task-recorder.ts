import { and, eq, inArray, or, sql } from 'drizzle-orm';
import { newId, terminalJobStatuses, type JobStatus, type RenderProgress, type RenderResult, type TaskStatus } from '@shotfarm/shared';
import { tables, type Db } from '@shotfarm/shared/db';
import { JobNotFinishedError, JobNotFoundError, JobNothingToRetryError } from '../../errors.ts';
import type { JobEventBus } from './job-event-bus.ts';
import { appendJobEvents, type DbOrTx, type NewJobEvent } from './job-event-log.ts';
import type { CostLedger } from '../costs/cost-ledger.ts';
import type { Storage } from '@shotfarm/shared/storage';
import type { FastifyBaseLogger } from 'fastify';

type JobRow = typeof tables.jobs.$inferSelect;
type TaskRow = typeof tables.tasks.$inferSelect;

const open: TaskStatus[] = ['queued', 'running'];

/** Event dedupe keys of a retried run differ from the first run's, or its events would be dropped as replays. */
const runSuffix = (retries: number): string => (retries === 0 ? '' : `:retry${retries}`);

/**
 * Writes what workers report into the database. Every method is idempotent: the same report twice
 * (a replayed QueueEvent, the reconciler, the flow parent, a second API replica) changes nothing the
 * second time — task updates are guarded on open states, assets are keyed by storage key, events by dedupe key.
 */
export class TaskRecorder {
  /**
   * `ledger`: every run that ends is charged in the transaction that records it (see CostLedger). `log`: a line per
   * task that ends and per canceled job, through a child logger bound to the job's and the task's ids.
   */
  constructor(private readonly db: Db, private readonly bus: JobEventBus, private readonly ledger?: CostLedger, private readonly log?: FastifyBaseLogger) {}

  async markRunning(taskId: string, attempts: number): Promise<void> {
    await this.#commit(async (tx) => {
      const [task] = await tx.update(tables.tasks)
        .set({ status: 'running', attempts, startedAt: sql`coalesce(${tables.tasks.startedAt}, now())` })
        .where(and(eq(tables.tasks.id, taskId), inArray(tables.tasks.status, open))).returning();
      return task ? this.#refreshJob(tx, task.jobId) : [];
    });
  }

  async recordProgress(taskId: string, p: RenderProgress): Promise<void> {
    let jobId: string | undefined;
    await this.#commit(async (tx) => {
      const [task] = await tx.update(tables.tasks).set({ progress: p.fraction, status: 'running' })
        .where(and(eq(tables.tasks.id, taskId), inArray(tables.tasks.status, open))).returning();
      if (!task) return [];
      jobId = task.jobId;
      const pct = Math.round(p.fraction * 100);
      return [
        ...await appendJobEvents(tx, [{ type: 'task-progress', jobId: task.jobId, taskId, progress: p.fraction, stage: p.stage,
          dedupeKey: `task-progress:${taskId}${runSuffix(task.retries)}:${task.attempts}:${p.stage}:${pct}` }]),
        ...await this.#refreshJob(tx, task.jobId),
      ];
    });
    if (jobId && p.preview) this.bus.publishPreview({ type: 'task-preview', jobId, taskId, preview: p.preview });
  }

  #lateOutputStorage: Storage | undefined;

  /**
   * Where outputs live, so that outputs arriving for a task that was canceled meanwhile are deleted instead of being
   * left in storage with no row pointing at them (a render that finished just as its job was canceled).
   */
  deleteLateOutputsFrom(storage: Storage): void {
    this.#lateOutputStorage = storage;
  }

  async recordSuccess(taskId: string, result: RenderResult, attempts?: number): Promise<void> {
    let recorded = false;
    let ids: { jobId: string; launchId?: string } | undefined;
    await this.#commit(async (tx) => {
      const [task] = await tx.update(tables.tasks)
        .set({ status: 'succeeded', progress: 1, finishedAt: new Date(), backend: result.backend, worker: result.worker,
          renderMs: result.renderMs, usage: result.usage ?? null, errorCode: null, errorMessage: null, ...(attempts ? { attempts } : {}) })
        .where(and(eq(tables.tasks.id, taskId), inArray(tables.tasks.status, open))).returning();
      if (!task) return [];
      recorded = true;
      // Outputs belong to whoever submitted the job.
      const [job] = await tx.select({ createdBy: tables.jobs.createdBy, launchId: tables.jobs.launchId }).from(tables.jobs).where(eq(tables.jobs.id, task.jobId));
      ids = { jobId: task.jobId, ...(job?.launchId && { launchId: job.launchId }) };
      await tx.insert(tables.assets).values(result.outputs.map((o) => ({
        id: newId(), kind: 'output' as const, mime: o.mime, width: o.width, height: o.height, bytes: o.bytes, sha256: o.sha256,
        key: o.key, thumbKey: o.thumbKey, jobId: task.jobId, taskId, params: o.params, createdBy: job?.createdBy ?? null,
      }))).onConflictDoNothing({ target: tables.assets.key });
      const outputs = await tx.select({ id: tables.assets.id }).from(tables.assets)
        .where(inArray(tables.assets.key, result.outputs.map((o) => o.key)));
      await this.ledger?.recordAttempt(tx, task, 'succeeded', result.outputs.length);
      return [
        ...await appendJobEvents(tx, [{ type: 'task-done', jobId: task.jobId, taskId, status: 'succeeded',
          outputAssetIds: outputs.map((o) => o.id), dedupeKey: `task-done:${taskId}${runSuffix(task.retries)}` }]),
        ...await this.#refreshJob(tx, task.jobId),
      ];
    });
    if (!recorded) await this.#deleteLateOutputs(taskId, result);
    else this.log?.child({ ...ids, taskId }).info({ backend: result.backend, worker: result.worker, renderMs: result.renderMs, outputs: result.outputs.length }, 'task succeeded');
  }

  /** Outputs of a task that is canceled (or gone) and that no asset row points to are deleted; replays of recorded results keep theirs. */
  async #deleteLateOutputs(taskId: string, result: RenderResult): Promise<void> {
    const storage = this.#lateOutputStorage;
    if (!storage || result.outputs.length === 0) return;
    const [task] = await this.db.select({ status: tables.tasks.status }).from(tables.tasks).where(eq(tables.tasks.id, taskId));
    if (task && task.status !== 'canceled') return;
    const keys = result.outputs.flatMap((o) => [o.key, o.thumbKey]);
    const referenced = await this.db.select({ key: tables.assets.key, thumbKey: tables.assets.thumbKey }).from(tables.assets)
      .where(or(inArray(tables.assets.key, keys), inArray(tables.assets.thumbKey, keys)));
    const kept = new Set(referenced.flatMap((r) => [r.key, r.thumbKey]));
    for (const key of keys) if (!kept.has(key)) await storage.delete(key).catch(() => undefined);
  }

  async recordFailure(taskId: string, error: { code: string; message: string }, attempts?: number): Promise<void> {
    let ids: { jobId: string; launchId?: string } | undefined;
    await this.#commit(async (tx) => {
      const [task] = await tx.update(tables.tasks)
        .set({ status: 'failed', finishedAt: new Date(), errorCode: error.code, errorMessage: error.message, ...(attempts ? { attempts } : {}) })
        .where(and(eq(tables.tasks.id, taskId), inArray(tables.tasks.status, open))).returning();
      if (!task) return [];
      const [job] = this.log ? await tx.select({ launchId: tables.jobs.launchId }).from(tables.jobs).where(eq(tables.jobs.id, task.jobId)) : [];
      ids = { jobId: task.jobId, ...(job?.launchId && { launchId: job.launchId }) };
      await this.ledger?.recordAttempt(tx, task, 'failed', 0);
      return [
        ...await appendJobEvents(tx, [{ type: 'task-done', jobId: task.jobId, taskId, status: 'failed', outputAssetIds: [], dedupeKey: `task-done:${taskId}${runSuffix(task.retries)}` }]),
        ...await this.#refreshJob(tx, task.jobId),
      ];
    });
    if (ids) this.log?.child({ ...ids, taskId }).warn({ code: error.code, reason: error.message, attempts }, 'task failed');
  }

  /** Cancel a job's open tasks in one transaction; returns the ids of the tasks it canceled. */
  async cancelJob(jobId: string): Promise<string[]> {
    let canceled: string[] = [];
    await this.#commit(async (tx) => {
      const rows = await tx.update(tables.tasks).set({ status: 'canceled', finishedAt: new Date() })
        .where(and(eq(tables.tasks.jobId, jobId), inArray(tables.tasks.status, open))).returning({ id: tables.tasks.id, retries: tables.tasks.retries });
      canceled = rows.map((r) => r.id);
      await this.ledger?.recordCanceled(tx, canceled);
      const [job] = await tx.update(tables.jobs).set({ status: 'canceled', finishedAt: new Date() })
        .where(and(eq(tables.jobs.id, jobId), inArray(tables.jobs.status, ['queued', 'running']))).returning({ retries: tables.jobs.retries });
      return appendJobEvents(tx, [
        ...rows.map((t): NewJobEvent => ({ type: 'task-done', jobId, taskId: t.id, status: 'canceled', outputAssetIds: [], dedupeKey: `task-done:${t.id}${runSuffix(t.retries)}` })),
        ...(job ? [{ type: 'job-done' as const, jobId, status: 'canceled', dedupeKey: `job-done:${jobId}${runSuffix(job.retries)}` }] : []),
      ]);
    });
    this.log?.child({ jobId }).info({ canceledTasks: canceled }, 'job canceled');
    return canceled;
  }

  /**
   * Mark queued tasks `skipped_budget` (the budget gate removed them from the queue first); tasks that started
   * meanwhile are left alone, so nothing already paid for is lost. Returns the ids it skipped.
   */
  async skipForBudget(jobId: string, taskIds: readonly string[]): Promise<string[]> {
    let skipped: string[] = [];
    if (taskIds.length === 0) return skipped;
    await this.#commit(async (tx) => {
      const rows = await tx.update(tables.tasks).set({ status: 'skipped_budget', finishedAt: new Date() })
        .where(and(eq(tables.tasks.jobId, jobId), inArray(tables.tasks.id, [...taskIds]), eq(tables.tasks.status, 'queued')))
        .returning({ id: tables.tasks.id, retries: tables.tasks.retries });
      skipped = rows.map((r) => r.id);
      return [
        ...await appendJobEvents(tx, rows.map((t): NewJobEvent => ({ type: 'task-done', jobId, taskId: t.id, status: 'skipped_budget', outputAssetIds: [], dedupeKey: `task-done:${t.id}${runSuffix(t.retries)}` }))),
        ...await this.#refreshJob(tx, jobId),
      ];
    });
    return skipped;
  }

  /**
   * Reopen a finished job's failed tasks (a person's retry), under a lock on the job row, so a second retry at
   * the same moment waits and then finds the job open. `clearQueue` runs inside, before the rows change: it
   * removes the old run's dead BullMQ jobs. `retries` counts up on job and tasks, so the new run's events are
   * not taken for replays of the old run's; a `job-retried` event is appended. Returns what to enqueue.
   */
  async reopenFailedTasks(jobId: string, clearQueue: (failedTaskIds: string[]) => Promise<void>): Promise<{ job: JobRow; tasks: TaskRow[] }> {
    let reopened: { job: JobRow; tasks: TaskRow[] } | undefined;
    await this.#commit(async (tx) => {
      const [locked] = await tx.select().from(tables.jobs).where(eq(tables.jobs.id, jobId)).for('update');
      if (!locked) throw new JobNotFoundError(jobId);
      if (!terminalJobStatuses.includes(locked.status)) throw new JobNotFinishedError(jobId, locked.status);
      const taskRows = await tx.select().from(tables.tasks).where(eq(tables.tasks.jobId, jobId));
      const failed = taskRows.filter((t) => t.status === 'failed');
      if (failed.length === 0) throw new JobNothingToRetryError(jobId);
      await clearQueue(failed.map((t) => t.id));

      const tasks = await tx.update(tables.tasks).set({
        status: 'queued', progress: 0, attempts: 0, retries: sql`${tables.tasks.retries} + 1`, errorCode: null, errorMessage: null,
        backend: null, worker: null, renderMs: null, usage: null, startedAt: null, finishedAt: null,
      }).where(and(eq(tables.tasks.jobId, jobId), eq(tables.tasks.status, 'failed'))).returning();
      const reopenedIds = new Set(tasks.map((t) => t.id));
      const status = deriveJobStatus(taskRows.map((t) => (reopenedIds.has(t.id) ? 'queued' : t.status)));
      const [job] = await tx.update(tables.jobs).set({
        status, retries: sql`${tables.jobs.retries} + 1`, errorCode: null, errorMessage: null, finishedAt: null,
      }).where(eq(tables.jobs.id, jobId)).returning();
      reopened = { job: job!, tasks };
      return appendJobEvents(tx, [{
        type: 'job-retried', jobId, taskIds: tasks.map((t) => t.id), retries: job!.retries,
        dedupeKey: `job-retried:${jobId}${runSuffix(job!.retries)}`,
      }]);
    });
    return reopened!;
  }

  /** Recompute a job's status from its tasks; append `job-done` when it has just finished. */
  async #refreshJob(tx: DbOrTx, jobId: string) {
    const [job] = await tx.select().from(tables.jobs).where(eq(tables.jobs.id, jobId)).for('update');
    if (!job || job.status === 'canceled' || job.status === 'succeeded' || job.status === 'failed') return [];
    const taskRows = await tx.select().from(tables.tasks).where(eq(tables.tasks.jobId, jobId));
    const status = deriveJobStatus(taskRows.map((t) => t.status));
    if (status === job.status) return [];
    const failed = taskRows.find((t) => t.status === 'failed');
    const finished = status === 'succeeded' || status === 'failed';
    await tx.update(tables.jobs).set({
      status, ...(finished ? { finishedAt: new Date() } : {}),
      ...(status === 'failed' && failed ? {
        errorCode: failed.errorCode,
        errorMessage: `${taskRows.filter((t) => t.status === 'failed').length} of ${taskRows.length} tasks failed; first: ${failed.errorMessage ?? ''}`,
      } : {}),
    }).where(eq(tables.jobs.id, jobId));
    return finished ? appendJobEvents(tx, [{ type: 'job-done', jobId, status, dedupeKey: `job-done:${jobId}${runSuffix(job.retries)}` }]) : [];
  }

  async #commit(work: (tx: DbOrTx) => Promise<Awaited<ReturnType<typeof appendJobEvents>>>): Promise<void> {
    const events = await this.db.transaction((tx) => work(tx));
    for (const e of events) {
      this.bus.publish(e);
      // One line when a job ends (the event is appended once per run of the job, so the line is too).
      if (e.type === 'job-done') this.log?.child({ jobId: e.jobId }).info({ status: e.status }, 'job finished');
    }
  }
}

/**
 * A job is done when every task is; it failed if any task failed, whatever the others did. Tasks skipped for
 * budget count as done: a job whose other tasks all succeeded succeeded (with fewer images than asked).
 */
export function deriveJobStatus(taskStatuses: readonly TaskStatus[]): JobStatus {
  if (taskStatuses.length === 0) return 'queued';
  if (taskStatuses.every((s) => s === 'succeeded' || s === 'skipped_budget') && taskStatuses.includes('succeeded')) return 'succeeded';
  if (taskStatuses.every((s) => s === 'skipped_budget')) return 'canceled';
  if (taskStatuses.every((s) => s === 'succeeded' || s === 'failed' || s === 'canceled' || s === 'skipped_budget')) {
    return taskStatuses.some((s) => s === 'failed') ? 'failed' : 'canceled';
  }
  return taskStatuses.some((s) => s !== 'queued') ? 'running' : 'queued';
}
