import fp from 'fastify-plugin';
import { FlowProducer, Queue, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import { createRedis, queueNames } from '@shotfarm/shared/queue';

export interface FarmQueues {
  /** Render tasks (flow children). */
  render: Queue;
  /** Job parents. */
  jobs: Queue;
  flow: FlowProducer;
  /** Events of the render queue: progress, active, completed, failed. */
  renderEvents: QueueEvents;
  /** Score tasks, one per stored image. */
  score: Queue;
  /** Events of the score queue: completed, failed. */
  scoreEvents: QueueEvents;
  /** A plain client for pub/sub publishing and health checks. */
  redis: Redis;
  redisUrl: string;
  prefix: string;
}

declare module 'fastify' {
  interface FastifyInstance { queues: FarmQueues }
}

/** BullMQ on Redis. The Redis URL comes from the launcher (embedded redis-server or REDIS_URL). */
export const queuePlugin = fp<{ redisUrl: string }>(async (app, opts) => {
  const prefix = app.config.queuePrefix;
  // BullMQ never closes a connection it was handed, so the plugin keeps and closes its own.
  const connection = createRedis(opts.redisUrl);
  const eventsConnection = createRedis(opts.redisUrl);
  const scoreEventsConnection = createRedis(opts.redisUrl);
  const queues: FarmQueues = {
    render: new Queue(queueNames.render, { connection, prefix }),
    jobs: new Queue(queueNames.jobs, { connection, prefix }),
    flow: new FlowProducer({ connection, prefix }),
    // QueueEvents blocks on XREAD, so it gets a connection of its own.
    renderEvents: new QueueEvents(queueNames.render, { connection: eventsConnection, prefix }),
    score: new Queue(queueNames.score, { connection, prefix }),
    scoreEvents: new QueueEvents(queueNames.score, { connection: scoreEventsConnection, prefix }),
    redis: connection,
    redisUrl: opts.redisUrl,
    prefix,
  };
  await queues.renderEvents.waitUntilReady();
  await queues.scoreEvents.waitUntilReady();
  app.decorate('queues', queues);
  app.addHook('onClose', async () => {
    await queues.renderEvents.close();
    await queues.scoreEvents.close();
    await queues.score.close();
    await queues.flow.close();
    await queues.render.close();
    await queues.jobs.close();
    await connection.quit().catch(() => undefined);
    await eventsConnection.quit().catch(() => undefined);
    await scoreEventsConnection.quit().catch(() => undefined);
  });
}, { name: 'shotfarm-queue', fastify: '5.x', dependencies: ['shotfarm-config'] });
