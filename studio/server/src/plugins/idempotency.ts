import fp from 'fastify-plugin';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { IdempotencyStore, idempotencyKeyOf, type IdempotentAnswer } from '../services/requests/idempotency.ts';

declare module 'fastify' {
  interface FastifyInstance {
    idempotency: IdempotencyStore;
    /**
     * Run a POST's work once per `Idempotency-Key` (when the request sends one): the same key and body within 24 h
     * get the first answer again (with `Idempotency-Replayed: true`); another body → 422 SF_IDEMPOTENCY_KEY_REUSED.
     * `requestHash` identifies the body (see `hashJsonBody`; an upload's file sha256). `present` turns the kept body
     * into the answer sent (each time, the first included), for answers with parts that expire such as signed URLs.
     */
    idempotent(req: FastifyRequest, reply: FastifyReply, requestHash: string, work: () => Promise<IdempotentAnswer>,
      present?: (body: unknown) => Promise<unknown>): Promise<FastifyReply>;
  }
}

export const idempotencyPlugin = fp(async (app) => {
  const store = new IdempotencyStore(app.db);
  app.decorate('idempotency', store);
  app.decorate('idempotent', async (req: FastifyRequest, reply: FastifyReply, requestHash: string, work: () => Promise<IdempotentAnswer>,
    present: (body: unknown) => Promise<unknown> = async (body) => body) => {
    const key = idempotencyKeyOf(req.headers['idempotency-key']);
    if (key === undefined) {
      const answer = await work();
      return reply.code(answer.statusCode).send(await present(answer.body));
    }
    // Keys are the caller's own: scope them by route and user, so one client's key never answers another's request.
    const scope = `${req.method} ${req.routeOptions.url ?? req.url} ${req.user?.id ?? 'anonymous'}`;
    const answer = await store.run(scope, key, requestHash, work);
    if (answer.replayed) reply.header('idempotency-replayed', 'true');
    return reply.code(answer.statusCode).send(await present(answer.body));
  });
}, { name: 'shotfarm-idempotency', fastify: '5.x', dependencies: ['shotfarm-db'] });
