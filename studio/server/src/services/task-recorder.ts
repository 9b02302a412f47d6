import { and, eq, inArray, sql } from 'drizzle-orm';
import { newId, type JobStatus, type RenderProgress, type RenderResult, type TaskStatus } from '@shotfarm/shared';
import { tables, type Db } from '@shotfarm/shared/db';
import type { JobEventBus } from './job-event-bus.ts';
import { appendJobEvents, type DbOrTx, type NewJobEvent } from './job-event-log.ts';

const open: TaskStatus[] = ['queued', 'running'];

/** Event dedupe keys of a retried run differ from the first run's, or its events would be dropped as replays. */
export const runSuffix = (retries: number): string => (retries === 0 ? '' : `:retry${retries}`);

/**
 * Writes what workers report into the database. Every method is idempotent: the same report twice
 * (a replayed QueueEvent, the reconciler, the flow parent, a second API replica) changes nothing the
 * second time — task updates are guarded on open states, assets are keyed by storage key, events by dedupe key.
 */
export class TaskRecorder {
  constructor(private readonly db: Db, private readonly bus: JobEventBus) {}

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

  async recordSuccess(taskId: string, result: RenderResult, attempts?: number): Promise<void> {
    await this.#commit(async (tx) => {
      const [task] = await tx.update(tables.tasks)
        .set({ status: 'succeeded', progress: 1, finishedAt: new Date(), backend: result.backend, worker: result.worker,
          renderMs: result.renderMs, usage: result.usage ?? null, errorCode: null, errorMessage: null, ...(attempts ? { attempts } : {}) })
        .where(and(eq(tables.tasks.id, taskId), inArray(tables.tasks.status, open))).returning();
      if (!task) return [];
      await tx.insert(tables.assets).values(result.outputs.map((o) => ({
        id: newId(), kind: 'output' as const, mime: o.mime, width: o.width, height: o.height, bytes: o.bytes, sha256: o.sha256,
        key: o.key, thumbKey: o.thumbKey, jobId: task.jobId, taskId, params: o.params,
      }))).onConflictDoNothing({ target: tables.assets.key });
      const outputs = await tx.select({ id: tables.assets.id }).from(tables.assets)
        .where(inArray(tables.assets.key, result.outputs.map((o) => o.key)));
      return [
        ...await appendJobEvents(tx, [{ type: 'task-done', jobId: task.jobId, taskId, status: 'succeeded',
          outputAssetIds: outputs.map((o) => o.id), dedupeKey: `task-done:${taskId}${runSuffix(task.retries)}` }]),
        ...await this.#refreshJob(tx, task.jobId),
      ];
    });
  }

  async recordFailure(taskId: string, error: { code: string; message: string }, attempts?: number): Promise<void> {
    await this.#commit(async (tx) => {
      const [task] = await tx.update(tables.tasks)
        .set({ status: 'failed', finishedAt: new Date(), errorCode: error.code, errorMessage: error.message, ...(attempts ? { attempts } : {}) })
        .where(and(eq(tables.tasks.id, taskId), inArray(tables.tasks.status, open))).returning();
      if (!task) return [];
      return [
        ...await appendJobEvents(tx, [{ type: 'task-done', jobId: task.jobId, taskId, status: 'failed', outputAssetIds: [], dedupeKey: `task-done:${taskId}${runSuffix(task.retries)}` }]),
        ...await this.#refreshJob(tx, task.jobId),
      ];
    });
  }

  /** Cancel a job's open tasks in one transaction; returns the ids of the tasks it canceled. */
  async cancelJob(jobId: string): Promise<string[]> {
    let canceled: string[] = [];
    await this.#commit(async (tx) => {
      const rows = await tx.update(tables.tasks).set({ status: 'canceled', finishedAt: new Date() })
        .where(and(eq(tables.tasks.jobId, jobId), inArray(tables.tasks.status, open))).returning({ id: tables.tasks.id, retries: tables.tasks.retries });
      canceled = rows.map((r) => r.id);
      const [job] = await tx.update(tables.jobs).set({ status: 'canceled', finishedAt: new Date() })
        .where(and(eq(tables.jobs.id, jobId), inArray(tables.jobs.status, ['queued', 'running']))).returning({ retries: tables.jobs.retries });
      return appendJobEvents(tx, [
        ...rows.map((t): NewJobEvent => ({ type: 'task-done', jobId, taskId: t.id, status: 'canceled', outputAssetIds: [], dedupeKey: `task-done:${t.id}${runSuffix(t.retries)}` })),
        ...(job ? [{ type: 'job-done' as const, jobId, status: 'canceled', dedupeKey: `job-done:${jobId}${runSuffix(job.retries)}` }] : []),
      ]);
    });
    return canceled;
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
    for (const e of events) this.bus.publish(e);
  }
}

/** A job is done when every task is; it failed if any task failed, whatever the others did. */
export function deriveJobStatus(taskStatuses: readonly TaskStatus[]): JobStatus {
  if (taskStatuses.length === 0) return 'queued';
  if (taskStatuses.every((s) => s === 'succeeded')) return 'succeeded';
  if (taskStatuses.every((s) => s === 'succeeded' || s === 'failed' || s === 'canceled')) {
    return taskStatuses.some((s) => s === 'failed') ? 'failed' : 'canceled';
  }
  return taskStatuses.some((s) => s !== 'queued') ? 'running' : 'queued';
}
