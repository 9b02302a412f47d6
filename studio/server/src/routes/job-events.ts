import fp from 'fastify-plugin';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { Id, type JobEvent } from '@shotfarm/shared';
import { tables } from '@shotfarm/shared/db';
import { JobNotFoundError } from '../errors.ts';
import { jobEventsAfter } from '../services/job-event-log.ts';

/** A comment line keeps proxies from closing an idle stream. */
const heartbeatMs = 15_000;

/**
 * Relays a job's events as Server-Sent Events; never does the work. Each event's SSE id is its row id,
 * so a client that reconnects with `Last-Event-ID` is sent every event it missed, from the database.
 */
const routes: FastifyPluginAsyncZod = async (app) => {
  app.get('/api/jobs/:id/events', {
    schema: { tags: ['jobs'], summary: 'Server-Sent Events: task-progress, task-done, job-done', params: z.object({ id: Id }),
      querystring: z.object({ lastEventId: z.coerce.number().int().nonnegative().optional() }) },
  }, async (req, reply) => {
    const [job] = await app.db.select({ id: tables.jobs.id }).from(tables.jobs).where(eq(tables.jobs.id, req.params.id));
    if (!job) throw new JobNotFoundError(req.params.id);
    const header = Number(req.headers['last-event-id']);
    let lastSent = Number.isInteger(header) && header >= 0 ? header : (req.query.lastEventId ?? 0);

    reply.hijack(); // from here we own the socket: fastify must not send a reply of its own
    reply.raw.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    const send = (e: JobEvent): void => {
      if (e.seq <= lastSent) return;
      lastSent = e.seq;
      reply.raw.write(`id: ${e.seq}\nevent: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`);
    };
    // Subscribe before replaying, holding live events back until the replay is out: none falls in between.
    const pending: JobEvent[] = [];
    let replaying = true;
    const unsubscribe = app.farm.bus.subscribe(job.id, (e) => { if (replaying) pending.push(e); else send(e); });
    const unsubscribePreviews = app.farm.bus.subscribePreviews(job.id, (e) => { reply.raw.write(`event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`); });
    const heartbeat = setInterval(() => reply.raw.write(': heartbeat\n\n'), heartbeatMs);
    req.raw.once('close', () => { unsubscribe(); unsubscribePreviews(); clearInterval(heartbeat); });
    reply.raw.write('retry: 2000\n\n');
    for (const e of await jobEventsAfter(app.db, job.id, lastSent)) send(e);
    replaying = false;
    for (const e of pending.sort((a, b) => a.seq - b.seq)) send(e);
  });
};

export const jobEventRoutes = fp(routes, { name: 'shotfarm-job-event-routes', fastify: '5.x', encapsulate: true,
  dependencies: ['shotfarm-db', 'shotfarm-farm'] });
