import fp from 'fastify-plugin';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { Id, type JobEvent } from '@shotfarm/shared';
import { tables } from '@shotfarm/shared/db';
import { JobNotFoundError, withDetails } from '../errors.ts';
import { jobEventsAfter } from '../services/jobs/job-event-log.ts';

/** An event sequence number: a non-negative safe integer in plain digits (`1e300`, `-1`, `1.5` are refused). */
const EventSeq = z.string().regex(/^\d{1,15}$/, 'expected the id of an event (digits only)').transform(Number);

/** The `Last-Event-ID` header checked like the query parameter; absent → undefined. */
function lastEventIdHeader(value: string | string[] | undefined): number | undefined {
  if (value === undefined) return undefined;
  const parsed = EventSeq.safeParse(Array.isArray(value) ? value.join(',') : value);
  if (!parsed.success) {
    throw withDetails(Object.assign(new Error('headers.last-event-id: expected the id of an event (digits only)'), { code: 'SF_REQUEST_INVALID', statusCode: 400 }),
      { fields: [{ field: 'last-event-id', message: parsed.error.issues[0]?.message ?? 'invalid' }] });
  }
  return parsed.data;
}

/** A comment line keeps proxies from closing an idle stream. */
const heartbeatMs = 15_000;

/**
 * Relays a job's events as Server-Sent Events; never does the work. Each event's SSE id is its row id,
 * so a client that reconnects with `Last-Event-ID` is sent every event it missed, from the database.
 */
const routes: FastifyPluginAsyncZod = async (app) => {
  app.get('/api/jobs/:id/events', {
    config: { access: 'authenticated' },
    schema: { tags: ['jobs'], summary: 'Server-Sent Events: task-progress, task-done, job-done', params: z.object({ id: Id }),
      querystring: z.object({ lastEventId: EventSeq.optional() }) },
  }, async (req, reply) => {
    const [job] = await app.db.select({ id: tables.jobs.id }).from(tables.jobs).where(eq(tables.jobs.id, req.params.id));
    if (!job) throw new JobNotFoundError(req.params.id);
    // Validated before the stream opens: once it has, a bad value could only fail the replay query mid-stream.
    let lastSent = lastEventIdHeader(req.headers['last-event-id']) ?? req.query.lastEventId ?? 0;

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
    const stop = (): void => { unsubscribe(); unsubscribePreviews(); clearInterval(heartbeat); };
    req.raw.once('close', stop);
    reply.raw.write('retry: 2000\n\n');
    try {
      for (const e of await jobEventsAfter(app.db, job.id, lastSent)) send(e);
    } catch (err) {
      // A stream that cannot replay must not look alive (heartbeats, never job-done) while live events pile up:
      // tell the client, and end it; its reconnect starts over with a fresh query.
      req.log.error({ err }, 'replaying job events failed');
      stop();
      pending.length = 0;
      reply.raw.end(`event: error\ndata: ${JSON.stringify({ code: 'SF_INTERNAL', message: 'the event stream failed; reconnect to resume' })}\n\n`);
      return;
    }
    replaying = false;
    for (const e of pending.sort((a, b) => a.seq - b.seq)) send(e);
  });
};

export const jobEventRoutes = fp(routes, { name: 'shotfarm-job-event-routes', fastify: '5.x', encapsulate: true,
  dependencies: ['shotfarm-db', 'shotfarm-farm'] });
