import { and, eq, sql } from 'drizzle-orm';
import { terminalJobStatuses } from '@shotfarm/shared';
import { tables, type Db } from '@shotfarm/shared/db';
import { JobNotFinishedError, JobNotFoundError, JobNothingToRetryError } from '../errors.ts';
import type { JobEventBus } from './job-event-bus.ts';
import { appendJobEvents } from './job-event-log.ts';
import type { TaskEnqueuer } from './task-enqueuer.ts';
import { deriveJobStatus, runSuffix } from './task-recorder.ts';

export interface JobRetryDeps {
  db: Db;
  enqueuer: TaskEnqueuer;
  bus: JobEventBus;
}

/**
 * Retry a finished job's failed tasks: they are queued again (fresh attempts) and the job reopens; tasks that
 * succeeded keep their outputs and are not rendered again. Returns the ids of the reopened tasks.
 *
 * Order, under a lock on the job row (a second retry at the same moment waits, then finds the job open):
 * 1. Redis: the job's finished flow parent and the failed tasks' BullMQ jobs are removed. They are dead (the
 *    database already holds their outcome), but left in place the reconciler would read the old failure back
 *    into the reopened task, and BullMQ would ignore a new job under the same id.
 * 2. The database: tasks and job reopened, `retries` counted up (so the new run's events are not taken for
 *    replays of the old run's), a `job-retried` event appended.
 * 3. After commit, the flow is enqueued anew. Dying before that is the reconciler's case: open tasks, no flow.
 */
export async function retryFailedTasks(jobId: string, deps: JobRetryDeps): Promise<string[]> {
  const { reopened, job, events } = await deps.db.transaction(async (tx) => {
    const [locked] = await tx.select().from(tables.jobs).where(eq(tables.jobs.id, jobId)).for('update');
    if (!locked) throw new JobNotFoundError(jobId);
    if (!terminalJobStatuses.includes(locked.status)) throw new JobNotFinishedError(jobId, locked.status);
    const taskRows = await tx.select().from(tables.tasks).where(eq(tables.tasks.jobId, jobId));
    const failed = taskRows.filter((t) => t.status === 'failed');
    if (failed.length === 0) throw new JobNothingToRetryError(jobId);

    for (const task of failed) {
      const child = await deps.enqueuer.findRenderJob(task.id);
      await child?.remove();
    }
    const parent = await deps.enqueuer.findParentJob(jobId);
    // Its processed children are recorded already (the job is finished in the database): they go with it.
    await parent?.remove({ removeChildren: true });

    const reopened = await tx.update(tables.tasks).set({
      status: 'queued', progress: 0, attempts: 0, retries: sql`${tables.tasks.retries} + 1`, errorCode: null, errorMessage: null,
      backend: null, worker: null, renderMs: null, usage: null, startedAt: null, finishedAt: null,
    }).where(and(eq(tables.tasks.jobId, jobId), eq(tables.tasks.status, 'failed'))).returning();
    const reopenedIds = new Set(reopened.map((t) => t.id));
    const status = deriveJobStatus(taskRows.map((t) => (reopenedIds.has(t.id) ? 'queued' : t.status)));
    const [job] = await tx.update(tables.jobs).set({
      status, retries: sql`${tables.jobs.retries} + 1`, errorCode: null, errorMessage: null, finishedAt: null,
    }).where(eq(tables.jobs.id, jobId)).returning();
    const events = await appendJobEvents(tx, [{
      type: 'job-retried', jobId, taskIds: reopened.map((t) => t.id), retries: job!.retries,
      dedupeKey: `job-retried:${jobId}${runSuffix(job!.retries)}`,
    }]);
    return { reopened, job: job!, events };
  });
  for (const e of events) deps.bus.publish(e);
  await deps.enqueuer.enqueueJob(job, reopened);
  return reopened.map((t) => t.id);
}
