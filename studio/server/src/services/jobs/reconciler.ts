import { and, eq, inArray } from 'drizzle-orm';
import { tables, type Db } from '@shotfarm/shared/db';
import { recordFinishedRenderJob } from './render-event-listener.ts';
import type { TaskEnqueuer } from './task-enqueuer.ts';
import type { ScoreLedger } from '../scores/score-ledger.ts';
import type { TaskRecorder } from './task-recorder.ts';

export interface ReconcileReport {
  /** Jobs whose whole flow was missing from Redis and was enqueued again. */
  jobsEnqueued: number;
  /** Tasks missing from an existing flow and added again. */
  tasksEnqueued: number;
  /** Tasks that had finished in BullMQ but were not yet recorded. */
  tasksRecorded: number;
  /** Images with no score and no score task, enqueued for scoring. */
  scoresEnqueued: number;
  /** Scores finished in BullMQ but not yet recorded. */
  scoresRecorded: number;
}

/**
 * The outbox's other half. The database says which tasks are open; Redis says which it holds.
 * Anything open in the database but absent from Redis is enqueued again (the API may have died
 * between commit and enqueue, or Redis lost data); anything finished in Redis but open in the
 * database is recorded. Runs at start-up and on a timer.
 */
export class Reconciler {
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<ReconcileReport> | undefined;

  constructor(private readonly db: Db, private readonly enqueuer: TaskEnqueuer, private readonly recorder: TaskRecorder,
    private readonly scores: ScoreLedger,
    private readonly log: { info: (o: object, msg: string) => void; error: (o: object, msg: string) => void }) {}

  start(intervalMs: number): void {
    this.#timer = setInterval(() => { this.reconcile().catch((e: unknown) => this.log.error({ err: e }, 'reconcile failed')); }, intervalMs);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  /** One pass; concurrent calls share the pass in flight. */
  reconcile(): Promise<ReconcileReport> {
    this.#running ??= this.#pass().finally(() => { this.#running = undefined; });
    return this.#running;
  }

  async #pass(): Promise<ReconcileReport> {
    const report: ReconcileReport = { jobsEnqueued: 0, tasksEnqueued: 0, tasksRecorded: 0, scoresEnqueued: 0, scoresRecorded: 0 };
    const openTasks = await this.db.select().from(tables.tasks).innerJoin(tables.jobs, eq(tables.tasks.jobId, tables.jobs.id))
      .where(and(inArray(tables.tasks.status, ['queued', 'running']), inArray(tables.jobs.status, ['queued', 'running'])));
    const byJob = new Map<string, { job: (typeof openTasks)[number]['jobs']; tasks: (typeof openTasks)[number]['tasks'][] }>();
    for (const row of openTasks) {
      const entry = byJob.get(row.jobs.id) ?? { job: row.jobs, tasks: [] };
      entry.tasks.push(row.tasks);
      byJob.set(row.jobs.id, entry);
    }
    // The list above was read at the start of the pass; a cancel may commit at any moment after. So the database is
    // read again right before each enqueue, and once more after it: a task canceled in between is taken back out (and
    // its cancel mark stops any worker that got it first). A burst of cancels once had 95 tasks re-queued and rendered.
    for (const { job, tasks: listed } of byJob.values()) {
      const parent = await this.enqueuer.findParentJob(job.id);
      if (!parent) {
        const tasks = await this.#stillOpen(job.id, listed);
        if (tasks.length === 0) continue;
        await this.enqueuer.enqueueJob(job, tasks);
        if ((await this.#withdrawCanceled(job.id, tasks)) < tasks.length) report.jobsEnqueued++;
        continue;
      }
      for (const task of listed) {
        const child = await this.enqueuer.findRenderJob(task.id);
        if (!child) {
          if ((await this.#stillOpen(job.id, [task])).length === 0) continue;
          await this.enqueuer.enqueueChild(job, task);
          if ((await this.#withdrawCanceled(job.id, [task])) === 0) report.tasksEnqueued++;
        } else if ((await recordFinishedRenderJob(this.recorder, child)) === 'recorded') {
          report.tasksRecorded++;
        }
      }
    }
    await this.#reconcileScores(report);
    if (Object.values(report).some((n) => n > 0)) this.log.info({ ...report }, 'reconciled');
    return report;
  }

  /** Those of `tasks` that are still open in the database, in a still open job. */
  async #stillOpen<T extends { id: string }>(jobId: string, tasks: T[]): Promise<T[]> {
    const rows = await this.db.select({ id: tables.tasks.id }).from(tables.tasks).innerJoin(tables.jobs, eq(tables.tasks.jobId, tables.jobs.id))
      .where(and(eq(tables.tasks.jobId, jobId), inArray(tables.tasks.id, tasks.map((t) => t.id)),
        inArray(tables.tasks.status, ['queued', 'running']), inArray(tables.jobs.status, ['queued', 'running'])));
    const open = new Set(rows.map((r) => r.id));
    return tasks.filter((t) => open.has(t.id));
  }

  /** Remove from Redis those of `tasks` a cancel closed while they were being enqueued; returns how many. */
  async #withdrawCanceled(jobId: string, tasks: { id: string }[]): Promise<number> {
    const open = new Set((await this.#stillOpen(jobId, tasks)).map((t) => t.id));
    const closed = tasks.filter((t) => !open.has(t.id));
    for (const t of closed) await (await this.enqueuer.findRenderJob(t.id))?.remove().catch(() => undefined);
    if (closed.length === tasks.length) await (await this.enqueuer.findParentJob(jobId))?.remove({ removeChildren: true }).catch(() => undefined);
    return closed.length;
  }

  /** Every stored image gets scored: record finished score jobs, enqueue missing ones (failed ones stay failed). */
  async #reconcileScores(report: ReconcileReport): Promise<void> {
    const missing: string[] = [];
    for (const asset of await this.scores.unscored()) {
      const job = await this.scores.findJob(asset.id);
      if (!job) missing.push(asset.id);
      else if ((await this.scores.recordFinished(job)) === 'recorded') report.scoresRecorded++;
    }
    // A score recorded (and its job removed) since the list was read is not missing: read the list again.
    const stillUnscored = new Set(missing.length === 0 ? [] : (await this.scores.unscored(missing.length, missing)).map((a) => a.id));
    const toEnqueue = missing.filter((id) => stillUnscored.has(id));
    await this.scores.enqueueMissing(toEnqueue);
    report.scoresEnqueued += toEnqueue.length;
  }
}
