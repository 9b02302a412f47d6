import { and, eq, inArray } from 'drizzle-orm';
import { tables, type Db } from '@shotfarm/shared/db';
import { recordFinishedRenderJob } from './render-event-listener.ts';
import type { TaskEnqueuer } from './task-enqueuer.ts';
import type { ScoreLedger } from './score-ledger.ts';
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
    for (const { job, tasks } of byJob.values()) {
      const parent = await this.enqueuer.findParentJob(job.id);
      if (!parent) {
        await this.enqueuer.enqueueJob(job, tasks);
        report.jobsEnqueued++;
        continue;
      }
      for (const task of tasks) {
        const child = await this.enqueuer.findRenderJob(task.id);
        if (!child) {
          await this.enqueuer.enqueueChild(job, task);
          report.tasksEnqueued++;
        } else if ((await recordFinishedRenderJob(this.recorder, child)) === 'recorded') {
          report.tasksRecorded++;
        }
      }
    }
    await this.#reconcileScores(report);
    if (Object.values(report).some((n) => n > 0)) this.log.info({ ...report }, 'reconciled');
    return report;
  }

  /** Every stored image gets scored: record finished score jobs, enqueue missing ones (failed ones stay failed). */
  async #reconcileScores(report: ReconcileReport): Promise<void> {
    const missing: string[] = [];
    for (const asset of await this.scores.unscored()) {
      const job = await this.scores.findJob(asset.id);
      if (!job) missing.push(asset.id);
      else if ((await this.scores.recordFinished(job)) === 'recorded') report.scoresRecorded++;
    }
    await this.scores.enqueueMissing(missing);
    report.scoresEnqueued += missing.length;
  }
}
