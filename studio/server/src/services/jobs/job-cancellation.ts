import { cancelChannel, canceledTaskKey, canceledTaskTtlS } from '@shotfarm/shared/queue';
import type { FarmQueues } from '../../plugins/queue.ts';
import type { TaskEnqueuer } from './task-enqueuer.ts';
import type { TaskRecorder } from './task-recorder.ts';

/**
 * Cancel a job: the database first (its open tasks and the job become `canceled`, so nothing a worker
 * reports later can revive them), then Redis: each task is marked canceled (a worker checks the mark before it
 * starts a task and before it returns outputs, so a copy enqueued by a race never renders), waiting tasks are
 * removed, running ones are told to stop over pub/sub (each render worker aborts the task's AbortSignal).
 */
export async function cancelJob(jobId: string, deps: { recorder: TaskRecorder; enqueuer: TaskEnqueuer; queues: FarmQueues }): Promise<void> {
  const taskIds = await deps.recorder.cancelJob(jobId);
  if (taskIds.length === 0) return;
  const marks = deps.queues.redis.multi();
  for (const taskId of taskIds) marks.set(canceledTaskKey(deps.queues.prefix, taskId), '1', 'EX', canceledTaskTtlS);
  await marks.exec();
  // Remove every waiting task first, so a worker freed by an abort below finds nothing of this job to start.
  for (const taskId of taskIds) {
    const job = await deps.enqueuer.findRenderJob(taskId);
    // A locked (active) job refuses removal; the publish below stops it instead.
    await job?.remove().catch(() => undefined);
  }
  for (const taskId of taskIds) await deps.queues.redis.publish(cancelChannel(deps.queues.prefix), taskId);
}
