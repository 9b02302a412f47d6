import fp from 'fastify-plugin';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Queue } from 'bullmq';
import { ApiError, FarmStatus, type QueueDepth } from '@shotfarm/shared';
import { blocklistingsOf, readComfyBlocklist } from '../services/farm/comfy-blocklist.ts';
import { ComfyHealthProbe } from '../services/farm/comfy-health.ts';
import { taskThroughput, throughputBucketMinutes } from '../services/farm/farm-throughput.ts';
import { ReplicateHealthProbe } from '../services/farm/replicate-health.ts';

/**
 * BullMQ keeps waiting jobs in several sets: `wait`, `prioritized` (any job with a priority, as sweeps and retries
 * are) and `waiting-children` (flow parents). Each is work not yet started, so `waiting` counts them all.
 */
export async function queueDepth(queue: Queue): Promise<QueueDepth> {
  const c = await queue.getJobCounts('waiting', 'prioritized', 'waiting-children', 'active', 'delayed', 'failed', 'completed');
  return {
    waiting: (c.waiting ?? 0) + (c.prioritized ?? 0) + (c['waiting-children'] ?? 0),
    active: c.active ?? 0, delayed: c.delayed ?? 0, failed: c.failed ?? 0, completed: c.completed ?? 0,
  };
}

/** 算力 / Farm: queues, throughput and render servers in one answer, for a page that polls it. */
const routes: FastifyPluginAsyncZod = async (app) => {
  const comfy = new ComfyHealthProbe(app.config.comfyui.servers);
  const replicate = new ReplicateHealthProbe(app.config.replicate);
  app.get('/api/farm', {
    config: { access: 'authenticated' },
    schema: { tags: ['farm'], summary: "Queue depths, the last hour of throughput, backends, render-server health and the render workers' ComfyUI blocklist",
      response: { 200: FarmStatus, '4xx': ApiError } },
  }, async () => {
    const [render, score, buckets, servers, blocklist, replicateHealth] = await Promise.all([
      queueDepth(app.queues.render), queueDepth(app.queues.score), taskThroughput(app.db), comfy.read(),
      readComfyBlocklist(app.queues.redis, app.queues.prefix), replicate.read(),
    ]);
    return {
      queues: { render, score },
      throughput: { bucketMinutes: throughputBucketMinutes, buckets },
      backends: [...app.config.renderBackends],
      comfyui: servers.map((s) => ({ ...s, blocklistedFor: blocklistingsOf(s, blocklist) })),
      replicate: replicateHealth,
    };
  });
};

export const farmRoutes = fp(routes, { name: 'shotfarm-farm-routes', fastify: '5.x', encapsulate: true,
  dependencies: ['shotfarm-config', 'shotfarm-db', 'shotfarm-queue'] });
