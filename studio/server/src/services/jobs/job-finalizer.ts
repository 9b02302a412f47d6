import { Job, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { createRedis, queueNames } from '@shotfarm/shared/queue';
import type { FarmQueues } from '../../plugins/queue.ts';
import { recordFinishedRenderJob } from './render-event-listener.ts';
import type { TaskRecorder } from './task-recorder.ts';

/**
 * Processes flow parents. BullMQ releases a job's parent only when every child has completed or
 * failed, so this is the durable "all tasks are done" signal: it records each child once more
 * (idempotent) and thereby closes the job even if every live event was missed.
 */
export class JobFinalizer {
  #worker: Worker | undefined;
  #connection: Redis | undefined;

  constructor(private readonly queues: FarmQueues, private readonly recorder: TaskRecorder) {}

  async start(): Promise<void> {
    this.#connection = createRedis(this.queues.redisUrl);
    this.#worker = new Worker(queueNames.jobs, async (parent) => {
      const deps = await parent.getDependencies({ processed: { count: 1000 }, ignored: { count: 1000 } });
      const childKeys = [...Object.keys(deps.processed ?? {}), ...Object.keys(deps.ignored ?? {})];
      for (const key of childKeys) {
        const taskId = key.slice(key.lastIndexOf(':') + 1);
        const child = await Job.fromId(this.queues.render, taskId);
        if (child) await recordFinishedRenderJob(this.recorder, child);
      }
      return { tasks: childKeys.length };
    }, { connection: this.#connection, prefix: this.queues.prefix, concurrency: 4 });
    await this.#worker.waitUntilReady();
  }

  async stop(): Promise<void> {
    await this.#worker?.close();
    await this.#connection?.quit().catch(() => undefined);
  }
}
