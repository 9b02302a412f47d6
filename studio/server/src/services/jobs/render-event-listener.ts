import type { Job } from 'bullmq';
import { parseFailure, RenderProgress, RenderResult } from '@shotfarm/shared';
import type { FarmQueues } from '../../plugins/queue.ts';
import type { TaskRecorder } from './task-recorder.ts';
import type { TaskEnqueuer } from './task-enqueuer.ts';

/**
 * Follows the render queue's events (BullMQ QueueEvents, a Redis stream) and records them as they
 * happen, so the browser sees progress live. It is the fast path only: the flow parent and the
 * reconciler record the same results again, idempotently, if an event is missed.
 */
export class RenderEventListener {
  readonly #off: (() => void)[] = [];

  constructor(private readonly queues: FarmQueues, private readonly recorder: TaskRecorder,
    private readonly enqueuer: TaskEnqueuer, private readonly log: { error: (o: object, msg: string) => void }) {}

  start(): void {
    const events = this.queues.renderEvents;
    const on = <A extends unknown[]>(name: string, handler: (...args: A) => Promise<void>) => {
      // BullMQ's job id is the task's id: the line names the task it could not record.
      const wrapped = (...args: A) => {
        handler(...args).catch((e: unknown) => this.log.error({ err: e, taskId: (args[0] as { jobId?: string } | undefined)?.jobId }, `recording render ${name} failed`));
      };
      events.on(name as 'active', wrapped as never);
      this.#off.push(() => events.off(name as 'active', wrapped as never));
    };
    on('active', async ({ jobId }: { jobId: string }) => {
      const job = await this.enqueuer.findRenderJob(jobId);
      await this.recorder.markRunning(jobId, job?.attemptsStarted ?? 1);
    });
    on('progress', async ({ jobId, data }: { jobId: string; data: unknown }) => {
      const p = RenderProgress.safeParse(data);
      if (p.success) await this.recorder.recordProgress(jobId, p.data);
    });
    on('completed', async ({ jobId }: { jobId: string }) => {
      const job = await this.enqueuer.findRenderJob(jobId);
      if (job) await recordFinishedRenderJob(this.recorder, job);
    });
    on('failed', async ({ jobId }: { jobId: string }) => {
      const job = await this.enqueuer.findRenderJob(jobId);
      if (job) await recordFinishedRenderJob(this.recorder, job);
    });
  }

  stop(): void {
    for (const off of this.#off.splice(0)) off();
  }
}

/**
 * Record a render job that BullMQ holds as completed or finally failed; a job that will be retried,
 * or is still running, records nothing. Shared by the listener, the flow parent and the reconciler.
 * A completed job is removed once recorded (its result is in the database; kept, Redis grew with every finished
 * task of a launch); a failed one stays, bounded by keepFailedJobs, for inspection.
 */
export async function recordFinishedRenderJob(recorder: TaskRecorder, job: Job): Promise<'recorded' | 'open'> {
  const state = await job.getState();
  if (state === 'completed') {
    const result = RenderResult.safeParse(job.returnvalue);
    if (result.success) await recorder.recordSuccess(job.id!, result.data, job.attemptsMade);
    else await recorder.recordFailure(job.id!, { code: 'SF_RENDER_FAILED', message: `worker returned a malformed result: ${result.error.message}` }, job.attemptsMade);
    // A completed child of a flow leaves its parent's dependencies as it completes: removing it later never moves the parent.
    await job.remove().catch(() => undefined);
    return 'recorded';
  }
  if (state === 'failed') {
    await recorder.recordFailure(job.id!, parseFailure(job.failedReason), job.attemptsMade);
    return 'recorded';
  }
  return 'open';
}
