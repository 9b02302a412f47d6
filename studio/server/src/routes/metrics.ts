import fp from 'fastify-plugin';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { Registry } from 'prom-client';
import { launcherRegistry } from '../launcher/child-metrics.ts';
import { metricsPath } from '../plugins/metrics.ts';

const routes: FastifyPluginAsyncZod = async (app) => {
  app.get(metricsPath, {
    // Admins with their own credentials; a Prometheus scraper with METRICS_TOKEN (see plugins/metrics.ts).
    config: { access: 'admin', dependencies: [] },
    schema: { tags: ['operations'], summary: 'Prometheus metrics (text exposition format): HTTP latency, queues, tasks, spend, GPU time, storefront, child restarts' },
  }, async (_req, reply) => {
    const merged = Registry.merge([app.metrics.registry, launcherRegistry]);
    const body = await merged.metrics();
    return reply.header('content-type', merged.contentType).header('cache-control', 'no-store').send(body);
  });
};

export const metricsRoutes = fp(routes, { name: 'shotfarm-metrics-routes', fastify: '5.x', encapsulate: true, dependencies: ['shotfarm-metrics'] });
