import type { TaskEnqueuer } from './task-enqueuer.ts';
import type { TaskRecorder } from './task-recorder.ts';

/**
 * Retry a finished job's failed tasks: they are queued again (fresh attempts, same task ids, so never a second
 * output) and the job reopens; tasks that succeeded keep their outputs and are not rendered again. Returns the
 * ids of the reopened tasks. Like a submit, the database first, then Redis:
 * 1. under the job row's lock (see `TaskRecorder.reopenFailedTasks`), the old run's flow parent and failed
 *    tasks are removed from BullMQ — dead, their outcome recorded, but left in place the reconciler would read
 *    the old failure back into the reopened task, and BullMQ would ignore a new job under the same id — and
 *    the rows reopen;
 * 2. after commit, the flow is enqueued anew. Dying before that is the reconciler's case: open tasks, no flow.
 */
export async function retryFailedTasks(jobId: string, deps: { recorder: TaskRecorder; enqueuer: TaskEnqueuer }): Promise<string[]> {
  const { job, tasks } = await deps.recorder.reopenFailedTasks(jobId, async (failedTaskIds) => {
    for (const taskId of failedTaskIds) await (await deps.enqueuer.findRenderJob(taskId))?.remove();
    // Its processed children are recorded already (the job is finished in the database): they go with it.
    await (await deps.enqueuer.findParentJob(jobId))?.remove({ removeChildren: true });
  });
  await deps.enqueuer.enqueueJob(job, tasks);
  return tasks.map((t) => t.id);
}
