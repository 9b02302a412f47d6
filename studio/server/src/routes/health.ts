import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import fp from 'fastify-plugin';
import { z } from 'zod';

const Ready = z.object({ status: z.enum(['ok', 'unavailable']), checks: z.record(z.string(), z.object({ ok: z.boolean(), error: z.string().optional() })) });

const routes: FastifyPluginAsyncZod = async (app) => {
  app.get('/healthz', { config: { access: 'public' }, schema: { tags: ['health'], summary: 'The process is up', response: { 200: z.object({ status: z.literal('ok') }) } } },
    async () => ({ status: 'ok' as const }));

  app.get('/readyz', {
    config: { access: 'public' },
    schema: { tags: ['health'], summary: 'Ready for work: Redis, the database and storage answer, the render queue is below READY_MAX_RENDER_QUEUE, the storage disk above its reserve, not shutting down', response: { 200: Ready, 503: Ready } },
  }, async (_req, reply) => {
    const states = await app.operations.dependencies.probeAll();
    const checks: Record<string, { ok: boolean; error?: string }> = Object.fromEntries(Object.entries(states).map(([name, s]) => [name, s.ok ? { ok: true } : { ok: false, error: s.error }]));
    const ops = app.config.operations;
    if (ops.readyMaxRenderQueue !== undefined && states.redis.ok) {
      // Waiting work only: a deep queue means this farm is saturated, so a load balancer should send new jobs elsewhere.
      checks.renderQueue = await withTimeout(app.queues.render.getJobCountByTypes('wait', 'prioritized'), ops.dependencyTimeoutMs)
        .then((depth) => depth > ops.readyMaxRenderQueue! ? { ok: false, error: `${depth} render tasks waiting, more than READY_MAX_RENDER_QUEUE=${ops.readyMaxRenderQueue}` } : { ok: true },
          (e: unknown) => ({ ok: false, error: e instanceof Error ? e.message : String(e) }));
    }
    const free = await app.operations.storageFreeMb().catch(() => undefined);
    if (free !== undefined) {
      checks.disk = free < ops.storageMinFreeMb ? { ok: false, error: `${free} MB free on the storage disk, less than STORAGE_MIN_FREE_MB=${ops.storageMinFreeMb}` } : { ok: true };
    }
    if (app.operations.draining) checks.shutdown = { ok: false, error: 'shutting down' };
    const ok = Object.values(checks).every((c) => c.ok);
    return reply.code(ok ? 200 : 503).send({ status: ok ? 'ok' : 'unavailable', checks });
  });
};

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms).unref())]);
}

export const healthRoutes = fp(routes, { name: 'shotfarm-health-routes', fastify: '5.x', encapsulate: true,
  dependencies: ['shotfarm-db', 'shotfarm-queue', 'shotfarm-storage', 'shotfarm-dependency-timeouts'] });
