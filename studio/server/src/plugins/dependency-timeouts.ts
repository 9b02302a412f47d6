import fp from 'fastify-plugin';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ServerResponse } from 'node:http';
import { freeMegabytes } from '@shotfarm/shared/storage';
import { DependencyUnavailableError, ShuttingDownError, StorageFullError, withDetails } from '../errors.ts';
import { DependencyMonitor, dependencies as allDependencies, type Dependency } from '../services/operations/dependency-monitor.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * What the route cannot answer without. Default: redis and the database for `/api/…`, `/serve`, `/events` (plus
     * storage for uploads and files); nothing for health, metrics, docs and the studio's files. A request whose
     * dependency is known to be down is answered 503 SF_DEPENDENCY_UNAVAILABLE at once.
     */
    dependencies?: readonly Dependency[];
    /** Longest the route may take before 503; 0: no deadline (streams, uploads). @defaultValue REQUEST_DEADLINE_MS */
    deadlineMs?: number;
  }
  interface FastifyInstance { operations: Operations }
}

export interface Operations {
  dependencies: DependencyMonitor;
  /** True once a shutdown has begun: new work is refused, `/readyz` says not ready. */
  readonly draining: boolean;
  /** Refuse new requests (503 SF_SHUTTING_DOWN) and end every open event stream with a final `shutdown` event. */
  beginDrain(): void;
  /** Free MB on the local storage folder's disk, or undefined with S3 (cached for a second). */
  storageFreeMb(): Promise<number | undefined>;
}

/**
 * Routes that do what they can without Redis: a job is committed to the database and the reconciler enqueues it once
 * Redis is back (the answer says `queue: "deferred"`); reading jobs needs only the database.
 */
const routeDependencies: Record<string, readonly Dependency[]> = {
  'POST /api/jobs': ['database'],
  'GET /api/jobs': ['database'],
  'GET /api/jobs/:id': ['database'],
};

function defaultDependencies(method: string, url: string): readonly Dependency[] {
  const listed = routeDependencies[`${method} ${url}`];
  if (listed) return listed;
  if (url.startsWith('/api/assets') || url.startsWith('/files') || url.startsWith('/api/recipes/import')) return ['database', 'redis', 'storage'];
  if (url.startsWith('/api/') || url.startsWith('/serve') || url.startsWith('/events')) return ['database', 'redis'];
  return [];
}

const isEventStream = (req: FastifyRequest): boolean => req.method === 'GET' && /\/events$/.test(req.routeOptions.url ?? '');
const isMultipart = (req: FastifyRequest): boolean => (req.headers['content-type'] ?? '').startsWith('multipart/');

/**
 * Bounded waiting on Redis, the database and storage. A dependency known to be down fails the request at once with
 * 503 naming it; a request still unanswered after REQUEST_DEADLINE_MS is answered 503 naming whichever dependency does
 * not answer a probe now (its handler's late result is dropped) — if all of them answer, it is merely slow and finishes. Uploads are refused before a byte is written when the
 * local storage disk is below its reserve. On shutdown, new requests get 503 SF_SHUTTING_DOWN and event streams end
 * with a final event.
 */
export const dependencyTimeoutsPlugin = fp(async (app) => {
  const ops = app.config.operations;
  const monitor = new DependencyMonitor({
    probes: { redis: () => app.queues.redis.ping(), database: () => app.database.ping(), storage: () => app.storage.ping() },
    redis: app.queues.redis,
    timeoutMs: ops.dependencyTimeoutMs,
    onChange: (name, state) => {
      if (state.ok) app.log.info({ dependency: name }, `${name} is back`);
      else app.log.error({ dependency: name, reason: state.error }, `${name} is unavailable: requests that need it get 503 until it returns`);
    },
  });
  const streams = new Set<ServerResponse>();
  let draining = false;
  let freeCache: { at: number; mb: number } | undefined;
  const storageRoot = app.config.storage.driver === 'folder' ? app.config.storage.root : undefined;

  const operations: Operations = {
    dependencies: monitor,
    get draining() { return draining; },
    beginDrain() {
      if (draining) return;
      draining = true;
      const final = `event: shutdown\ndata: ${JSON.stringify({ code: 'SF_SHUTTING_DOWN', message: 'the server is restarting; reconnect to resume from the last event id' })}\n\n`;
      for (const res of streams) {
        if (res.headersSent && !res.writableEnded) res.end(final);
      }
      streams.clear();
    },
    async storageFreeMb() {
      if (!storageRoot) return undefined;
      if (freeCache && Date.now() - freeCache.at < 1000) return freeCache.mb;
      freeCache = { at: Date.now(), mb: await freeMegabytes(storageRoot) };
      return freeCache.mb;
    },
  };
  app.decorate('operations', operations);

  const unavailable = (name: Dependency, error: string) =>
    withDetails(new DependencyUnavailableError(name, error), { dependency: name, reason: error });

  app.addHook('onRequest', async (req, reply) => {
    const url = req.routeOptions.url ?? req.url;
    const health = url === '/healthz' || url === '/readyz' || url === '/metrics';
    if (draining && !health) {
      void reply.header('connection', 'close').header('retry-after', '5');
      throw new ShuttingDownError();
    }
    const config = req.routeOptions.config;
    const needed = config?.dependencies ?? defaultDependencies(req.method, url);
    const [down] = monitor.down(needed);
    if (down) {
      void reply.header('retry-after', '5');
      throw unavailable(down.name, down.error);
    }
    if (isEventStream(req)) {
      streams.add(reply.raw);
      reply.raw.once('close', () => streams.delete(reply.raw));
      return;
    }
    if (isMultipart(req) && storageRoot && req.method === 'POST') {
      const free = await operations.storageFreeMb().catch(() => undefined);
      if (free !== undefined && free < ops.storageMinFreeMb) throw new StorageFullError(free, ops.storageMinFreeMb);
    }
    const deadlineMs = config?.deadlineMs ?? (isMultipart(req) ? 0 : ops.requestDeadlineMs);
    if (deadlineMs > 0 && needed.length > 0) armDeadline(req, reply, deadlineMs, needed);
  });

  function armDeadline(req: FastifyRequest, reply: FastifyReply, ms: number, needed: readonly Dependency[]): void {
    const timer = setTimeout(() => {
      if (reply.sent || reply.raw.headersSent) return;
      // Name the culprit: probe every dependency now, each bounded by the probe timeout (a route may touch one it
      // does not declare, e.g. an advisory Redis read), preferring one the route needs.
      void Promise.all(allDependencies.map(async (d) => ({ name: d, state: await monitor.probe(d) }))).then((states) => {
        if (reply.sent || reply.raw.headersSent) return;
        const failing = states.filter((s) => !s.state.ok);
        const culprit = failing.find((s) => needed.includes(s.name)) ?? failing[0];
        if (!culprit) {
          // Every dependency answers: the request is slow on its own account (a large report), not stuck on one.
          req.log.warn({ deadlineMs: ms }, 'request past its deadline while every dependency answers: left to finish');
          return;
        }
        const name = culprit.name;
        const error = culprit.state.error ?? `no answer within ${ms} ms`;
        req.log.error({ dependency: name, reason: error, deadlineMs: ms }, 'request deadline passed: answered 503');
        const body = { code: 'SF_DEPENDENCY_UNAVAILABLE', message: `${name} is unavailable: ${error}`, details: { dependency: name, reason: error } };
        void reply.code(503).header('retry-after', '5').send(body);
      });
    }, ms);
    timer.unref();
    reply.raw.once('finish', () => clearTimeout(timer));
    reply.raw.once('close', () => clearTimeout(timer));
  }

  app.addHook('onReady', async () => { monitor.start(); });
  app.addHook('preClose', async () => { operations.beginDrain(); });
  app.addHook('onClose', async () => { monitor.stop(); });
}, { name: 'shotfarm-dependency-timeouts', fastify: '5.x', dependencies: ['shotfarm-config', 'shotfarm-db', 'shotfarm-queue', 'shotfarm-storage'] });
