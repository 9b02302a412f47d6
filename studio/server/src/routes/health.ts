import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import fp from 'fastify-plugin';
import { z } from 'zod';

const Ready = z.object({ status: z.enum(['ok', 'unavailable']), checks: z.record(z.string(), z.object({ ok: z.boolean(), error: z.string().optional() })) });

const routes: FastifyPluginAsyncZod = async (app) => {
  app.get('/healthz', { config: { access: 'public' }, schema: { tags: ['health'], summary: 'The process is up', response: { 200: z.object({ status: z.literal('ok') }) } } },
    async () => ({ status: 'ok' as const }));

  app.get('/readyz', { config: { access: 'public' }, schema: { tags: ['health'], summary: 'Redis, the database and storage answer', response: { 200: Ready, 503: Ready } } },
    async (_req, reply) => {
      const probe = async (fn: () => Promise<unknown>) => {
        try { await withTimeout(fn(), 2000); return { ok: true }; } catch (e) { return { ok: false, error: e instanceof Error ? e.message : String(e) }; }
      };
      const checks = {
        redis: await probe(() => app.queues.redis.ping()),
        database: await probe(() => app.database.ping()),
        storage: await probe(() => app.storage.ping()),
      };
      const ok = Object.values(checks).every((c) => c.ok);
      return reply.code(ok ? 200 : 503).send({ status: ok ? 'ok' : 'unavailable', checks });
    });
};

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms).unref())]);
}

export const healthRoutes = fp(routes, { name: 'shotfarm-health-routes', fastify: '5.x', encapsulate: true,
  dependencies: ['shotfarm-db', 'shotfarm-queue', 'shotfarm-storage'] });
