import fp from 'fastify-plugin';
import cookie from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Accounts, type Caller } from '../services/accounts/accounts.ts';
import type { CallerUser } from '../services/accounts/caller.ts';
import { ensureFirstAdmin, type FirstAdmin } from '../services/accounts/first-admin.ts';

/** The cookie that carries a login session's token (httpOnly, SameSite=Lax, Secure when PUBLIC_URL is https). */
export const sessionCookie = 'sf_session';

declare module 'fastify' {
  interface FastifyInstance { accounts: Accounts }
  interface FastifyRequest {
    /** Who is calling (a signed-in person, an automation key or a storefront key); null: anonymous. */
    caller: Caller | null;
    /** The person behind the request (for a key: its creator); null: anonymous. Record it as `createdBy`. */
    user: CallerUser | null;
  }
}

export interface AuthPluginOptions {
  /** Told once, on the first start with an empty database, what became of the first admin (the launcher prints it). */
  onFirstAdmin?: (admin: Extract<FirstAdmin, { created: true }>) => void;
}

const bearer = /^Bearer\s+(\S+)$/i;

/**
 * Authentication: who is calling. Resolves `request.caller` from `Authorization: Bearer sf_…` or the session
 * cookie, before any route runs; it rejects nothing itself (an unknown, revoked or expired credential is simply
 * anonymous) — the route-access plugin decides what a caller may do. Also creates the first admin on a fresh database.
 */
export const authPlugin = fp<AuthPluginOptions>(async (app, opts) => {
  await app.register(cookie);
  const accounts = new Accounts({ db: app.db, redis: app.queues.redis, redisPrefix: app.queues.prefix, sessionTtlS: app.config.auth.sessionTtlS });
  app.decorate('accounts', accounts);
  await accounts.start();
  app.addHook('onClose', () => accounts.close());
  app.decorateRequest('caller', null);
  app.decorateRequest('user', null);

  app.addHook('onRequest', async (req) => {
    const caller = await resolveCaller(accounts, req);
    req.caller = caller ?? null;
    req.user = caller?.user ?? null;
  });

  app.addHook('onReady', async () => {
    const admin = await ensureFirstAdmin(accounts.users, { ...app.config.auth.firstAdmin, dataDir: app.config.dataDir });
    if (!admin.created) return;
    app.log.info({ email: admin.user.email }, 'created the first admin');
    opts.onFirstAdmin?.(admin);
  });
}, { name: 'shotfarm-auth', fastify: '5.x', dependencies: ['shotfarm-config', 'shotfarm-db', 'shotfarm-queue'] });

/** A bearer key wins over a cookie: a script's key must not silently become the browser's session. */
async function resolveCaller(accounts: Accounts, req: FastifyRequest): Promise<Caller | undefined> {
  const authorization = req.headers.authorization;
  if (authorization !== undefined) {
    const key = bearer.exec(authorization)?.[1];
    return key ? accounts.callerFromApiKey(key) : undefined;
  }
  const token = req.cookies[sessionCookie];
  return token ? accounts.callerFromSession(token) : undefined;
}

/** Cookie options of the session cookie (and of the CSRF secret cookie beside it). */
export function sessionCookieOptions(publicUrl: string, maxAgeS?: number) {
  return {
    path: '/', httpOnly: true, sameSite: 'lax' as const, secure: publicUrl.startsWith('https:'),
    ...(maxAgeS !== undefined ? { maxAge: maxAgeS } : {}),
  };
}

/** Set the session cookie after a login. */
export function setSessionCookie(reply: FastifyReply, token: string, publicUrl: string, expiresAt: Date): void {
  reply.setCookie(sessionCookie, token, { ...sessionCookieOptions(publicUrl), expires: expiresAt });
}

export function clearSessionCookie(reply: FastifyReply, publicUrl: string): void {
  reply.clearCookie(sessionCookie, sessionCookieOptions(publicUrl));
}
