import { timingSafeEqual } from 'node:crypto';
import fp from 'fastify-plugin';
import type { FastifyRequest } from 'fastify';
import { FarmMetrics } from '../services/operations/farm-metrics.ts';
import type { Caller } from '../services/accounts/caller.ts';

declare module 'fastify' {
  interface FastifyInstance { metrics: FarmMetrics }
}

/** The path Prometheus scrapes. */
export const metricsPath = '/metrics';

/**
 * Who a request bearing METRICS_TOKEN is: a scraper allowed the one read-only route `GET /metrics` (declared `admin`),
 * and nothing else — the token is checked only on that path, and the caller carries no user of the organisation.
 */
const scraper: Caller = {
  kind: 'automation', via: 'api-key', roles: ['admin'],
  user: { id: '00000000-0000-0000-0000-000000000000', email: 'metrics-scraper@localhost', roles: ['admin'] },
};

function bearerMatches(req: FastifyRequest, token: string): boolean {
  const presented = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
  if (!presented) return false;
  const a = Buffer.from(presented);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Lets a Prometheus scraper read `/metrics` with METRICS_TOKEN instead of an admin's key. Registered between the auth
 * plugin (which leaves an unknown bearer anonymous) and the access check (which then sees the scraper).
 */
export const metricsTokenPlugin = fp(async (app) => {
  const token = app.config.operations.metricsToken;
  if (!token) return;
  app.addHook('onRequest', async (req) => {
    if (req.method === 'GET' && req.url.split('?')[0] === metricsPath && req.caller === null && bearerMatches(req, token)) {
      req.caller = scraper;
    }
  });
}, { name: 'shotfarm-metrics-token', fastify: '5.x', dependencies: ['shotfarm-config', 'shotfarm-auth'] });

/** Prometheus metrics of the API: HTTP latency per route, task outcomes, queue depths, spend, GPU time, storefront counts. */
export const metricsPlugin = fp(async (app) => {
  const metrics = new FarmMetrics({
    db: app.db, queues: { render: app.queues.render, score: app.queues.score, jobs: app.queues.jobs },
    timeoutMs: app.config.operations.dependencyTimeoutMs, log: app.log,
  });
  app.decorate('metrics', metrics);
  app.addHook('onResponse', async (req, reply) => {
    // The route pattern, never the raw URL: ids in paths would make a series per job.
    const route = req.routeOptions.url ?? (req.is404 ? '(not found)' : '(unknown)');
    metrics.httpDuration.observe({ method: req.method, route, status_code: String(reply.statusCode) }, reply.elapsedTime / 1000);
  });
  const stop = app.farm.bus.subscribeAll((e) => {
    if (e.type === 'task-done') metrics.observeTaskDone(e).catch((err: unknown) => app.log.warn({ err }, 'metrics: observing a finished task failed'));
  });
  app.addHook('preClose', async () => { stop(); });
}, { name: 'shotfarm-metrics', fastify: '5.x', dependencies: ['shotfarm-config', 'shotfarm-db', 'shotfarm-queue', 'shotfarm-farm'] });
