import { cancelChannel } from '@shotfarm/shared/queue';
import type { FarmQueues } from '../plugins/queue.ts';
import type { TaskEnqueuer } from './task-enqueuer.ts';
import type { TaskRecorder } from './task-recorder.ts';

/**
 * Cancel a job: the database first (its open tasks and the job become `canceled`, so nothing a worker
 * reports later can revive them), then Redis: waiting tasks are removed, running ones are told to stop
 * over pub/sub (each render worker aborts the task's AbortSignal).
 */
export async function cancelJob(jobId: string, deps: { recorder: TaskRecorder; enqueuer: TaskEnqueuer; queues: FarmQueues }): Promise<void> {
  const taskIds = await deps.recorder.cancelJob(jobId);
  // Remove every waiting task first, so a worker freed by an abort below finds nothing of this job to start.
  for (const taskId of taskIds) {
    const job = await deps.enqueuer.findRenderJob(taskId);
    // A locked (active) job refuses removal; the publish below stops it instead.
    await job?.remove().catch(() => undefined);
  }
  for (const taskId of taskIds) await deps.queues.redis.publish(cancelChannel(deps.queues.prefix), taskId);
}
