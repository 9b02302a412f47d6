import fp from 'fastify-plugin';
import cors from '@fastify/cors';
import helmet from 'helmet';
import rateLimit from '@fastify/rate-limit';
import type { FastifyRequest } from 'fastify';
import type { Config } from '@shotfarm/shared/config';
import { createRedis } from '@shotfarm/shared/queue';
import { declareScopeAccess } from './route-access.ts';
import { RateLimitCounters } from './rate-limit-counters.ts';

/** Routes limited per caller and minute (RATE_LIMIT_*); a route names its class in `config.rateLimitClass`. */
export type RateLimitClass = 'login' | 'uploads' | 'jobs' | 'storefront';

declare module 'fastify' {
  interface FastifyContextConfig {
    rateLimitClass?: RateLimitClass;
  }
}

/** The class of a request's route: declared, or 'storefront' for every route storefront keys call. */
function rateLimitClassOf(req: FastifyRequest): RateLimitClass | undefined {
  const config = req.routeOptions.config;
  return config.rateLimitClass ?? (config.access === 'storefront' ? 'storefront' : undefined);
}

/** Counted per key, else per user, else per address (logins: always per address, the caller is not known yet). */
function callerKey(req: FastifyRequest, cls: RateLimitClass): string {
  if (cls !== 'login' && req.caller) return req.caller.apiKeyId ? `key:${req.caller.apiKeyId}` : `user:${req.caller.user.id}`;
  return `ip:${req.ip}`;
}

/** Origins signed object URLs point to besides our own (S3's public endpoint), for img-src and media-src. */
function objectOrigins(config: Config): string[] {
  const s = config.storage;
  if (s.driver !== 's3') return [];
  const endpoint = s.publicEndpoint ?? s.endpoint;
  return endpoint ? [new URL(endpoint).origin] : ['https://*.amazonaws.com'];
}

/**
 * Hardening at the edge: security headers with a Content-Security-Policy the studio works under, CORS closed
 * unless CORS_ORIGINS lists origins, and rate limits per route class, counted per replica and shared through Redis.
 */
export const edgePlugin = fp(async (app) => {
  const { config } = app;
  const https = config.publicUrl.startsWith('https:');
  const objects = objectOrigins(config);
  // helmet's middleware is built once here and only applied per request: @fastify/helmet rebuilds it (re-parsing
  // every CSP directive) on each request, which cost /serve about a tenth of its time (profiled in storefront-serve).
  const securityHeaders = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        // antd (CSS-in-JS) injects <style> elements at run time.
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:', ...objects],
        mediaSrc: ["'self'", 'blob:', ...objects],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        // Only behind HTTPS: on plain http (a LAN address) it would send every image request to https and break them.
        ...(https ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    strictTransportSecurity: https ? { maxAge: 15_552_000, includeSubDomains: false } : false,
  });
  app.addHook('onRequest', (req, reply, done) => { securityHeaders(req.raw, reply.raw, () => done()); });
  // Signed object URLs may be embedded by other sites (a shop's pages): the signature is the access check.
  app.addHook('onRequest', async (req, reply) => {
    if (req.url.startsWith('/files/')) reply.header('cross-origin-resource-policy', 'cross-origin');
  });

  if (config.auth.corsOrigins.length > 0) {
    // Preflight answers (OPTIONS *) are the CORS plugin's own route: public, like the check they stand for.
    await app.register(async (scope) => {
      declareScopeAccess(scope, 'public');
      await scope.register(cors, {
        origin: config.auth.corsOrigins, credentials: true,
        methods: ['GET', 'HEAD', 'POST', 'PATCH', 'PUT', 'DELETE'],
        allowedHeaders: ['authorization', 'content-type', 'x-csrf-token', 'last-event-id'],
      });
    });
  }

  const limits = config.auth.rateLimits;
  // A connection of its own that gives up quickly: the counters sync on it in the background, and a stalled Redis
  // must not hold anything behind it (see rate-limit-counters.ts for how replicas share counts).
  const limiterRedis = createRedis(app.queues.redisUrl, { commandTimeout: 500, maxRetriesPerRequest: 1, enableReadyCheck: false, connectionName: 'rate-limit' });
  let lastSyncWarning = 0;
  limiterRedis.on('error', (err) => app.log.warn({ err }, 'rate-limit Redis connection: each replica limits on its own counts meanwhile'));
  const counters = new RateLimitCounters(limiterRedis, {
    keyPrefix: `${app.queues.prefix}:rate-limit:`,
    onSyncError: (err) => {
      if (Date.now() - lastSyncWarning < 10_000) return; // one line per 10 s while Redis is away, not one per sync
      lastSyncWarning = Date.now();
      app.log.warn({ err }, 'rate-limit counts not synced with Redis: kept and sent with the next sync');
    },
  });
  app.addHook('onClose', async () => {
    await counters.close();
    await limiterRedis.quit().catch(() => undefined);
  });
  await app.register(rateLimit, {
    global: true,
    store: counters.storeClass(),
    timeWindow: 60_000,
    // Unclassified routes (reads, the studio's polling) are not limited here.
    allowList: (req) => rateLimitClassOf(req) === undefined,
    max: (req) => limits[rateLimitClassOf(req) ?? 'storefront'],
    keyGenerator: (req) => { const cls = rateLimitClassOf(req) ?? 'storefront'; return `${cls}:${callerKey(req, cls)}`; },
    errorResponseBuilder: (_req, context) => Object.assign(new Error(`too many requests: try again in ${Math.ceil(context.ttl / 1000)} s`), {
      statusCode: 429, code: 'SF_RATE_LIMITED', details: { retryAfterS: Math.ceil(context.ttl / 1000) },
    }),
  });
}, { name: 'shotfarm-edge', fastify: '5.x', dependencies: ['shotfarm-config', 'shotfarm-queue', 'shotfarm-auth', 'shotfarm-route-access'] });
