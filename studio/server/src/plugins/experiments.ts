import fp from 'fastify-plugin';
import { createRedis } from '@shotfarm/shared/queue';
import { AllocationUpdater } from '../services/experiments/allocation-updater.ts';
import { CounterFlusher } from '../services/experiments/counter-flusher.ts';
import { EventIngest } from '../services/experiments/event-ingest.ts';
import { ExperimentKeys } from '../services/experiments/experiment-keys.ts';
import { ExperimentStore } from '../services/experiments/experiment-store.ts';
import { LivePointers } from '../services/experiments/live-pointers.ts';
import { ServingState } from '../services/experiments/serving-state.ts';
import { SlotPublisher } from '../services/experiments/slot-publisher.ts';

/** The A/B rollout's services: the management side (store, live pointers) and the storefront's hot path. */
export interface Experiments {
  store: ExperimentStore;
  live: LivePointers;
  serving: ServingState;
  ingest: EventIngest;
  flusher: CounterFlusher;
  updater: AllocationUpdater;
  publisher: SlotPublisher;
}

declare module 'fastify' {
  interface FastifyInstance { experiments: Experiments }
}

/**
 * Wires the A/B rollout. Serving state lives in each replica's memory, filled from Redis at start-up and kept fresh
 * by pub/sub and the update cadence; counters live in Redis until the updater flushes them to Postgres.
 */
export const experimentsPlugin = fp(async (app) => {
  const { updateS, stickyTtlS, lateWindowS } = app.config.experiments;
  const redis = app.queues.redis;
  const keys = new ExperimentKeys(app.queues.prefix);
  // An event id is remembered for twice the late window: a resend of any event still accepted counts once.
  const eventTtlS = 2 * lateWindowS;
  const serving = new ServingState(redis, app.queues.prefix, app.storage, { stickyTtlS, eventTtlS, urlTtlS: app.config.storage.ttlS });
  const publisher = new SlotPublisher(app.db, serving);
  const live = new LivePointers(app.db, app.storage, publisher);
  const store = new ExperimentStore(app.db, app.storage, publisher, live);
  const flusher = new CounterFlusher(app.db, redis, keys);
  const ingest = new EventIngest(redis, keys, serving, { lateWindowS, eventTtlS });
  const updater = new AllocationUpdater({ db: app.db, redis, keys, store, flusher, serving, publisher, log: app.log, updateS });
  app.decorate('experiments', { store, live, serving, ingest, flusher, updater, publisher });

  // Pub/sub blocks its connection, so the subscriber has one of its own.
  const subscriber = createRedis(app.queues.redisUrl);
  app.addHook('onReady', async () => {
    await serving.start(subscriber);
    // Redis may have been emptied since the last start: the database rebuilds what the storefront serves.
    if (Object.keys(await redis.hgetall(keys.slots)).length === 0) await publisher.publishAll();
    updater.start();
  });
  app.addHook('preClose', async () => {
    // Counters stay in Redis (AOF): the next round, on this replica or another, flushes them.
    await updater.stop();
    await serving.stop();
    await subscriber.quit().catch(() => undefined);
  });
}, { name: 'shotfarm-experiments', fastify: '5.x', dependencies: ['shotfarm-config', 'shotfarm-db', 'shotfarm-queue', 'shotfarm-storage'] });
