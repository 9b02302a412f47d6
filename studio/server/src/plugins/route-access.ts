import fp from 'fastify-plugin';
import csrf from '@fastify/csrf-protection';
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction, RouteOptions } from 'fastify';
import { accessAllows, type RouteAccess } from '@shotfarm/shared';
import { ForbiddenError, UnauthenticatedError } from '../errors.ts';
import { sessionCookieOptions } from './auth.ts';

// Every route declares who may call it in its options: `app.get(url, { config: { access: 'designer' }, schema }, handler)`.
// This plugin refuses to register a route without a declaration and enforces it on every request.
declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RouteAccess;
  }
  interface FastifyInstance {
    /** Every route registered so far with its declared access (the access test walks it). */
    routeAccessTable: RouteAccessEntry[];
    /**
     * The access of routes registered in this scope without a declaration of their own: only for plugins we do
     * not write (the studio's static files, the API docs), set with `declareScopeAccess`.
     */
    scopeRouteAccess?: RouteAccess;
  }
}

export type { RouteAccess };

export interface RouteAccessEntry {
  method: string;
  url: string;
  access: RouteAccess;
}

/** The CSRF secret's cookie (httpOnly; the token derived from it travels in the `x-csrf-token` header). */
export const csrfCookie = 'sf_csrf';
export const csrfHeader = 'x-csrf-token';

/** Give every route a third-party plugin registers in `scope` the access `access` (e.g. 'public' for static files). */
export function declareScopeAccess(scope: FastifyInstance, access: RouteAccess): void {
  scope.decorate<RouteAccess>('scopeRouteAccess', access);
}

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The access check: what a caller may do. At registration, a route without `config.access` is an error. On every
 * request (after the auth plugin resolved the caller): anonymous on a non-public route → 401 SF_UNAUTHENTICATED;
 * a caller without the role, or a storefront key off the storefront routes → 403 SF_FORBIDDEN; a state-changing
 * request authenticated by the session cookie without the session's CSRF token → 403 SF_CSRF_INVALID.
 */
export const routeAccessPlugin = fp(async (app) => {
  const table: RouteAccessEntry[] = [];
  app.decorate('routeAccessTable', table);

  app.addHook('onRoute', function (this: FastifyInstance, route: RouteOptions) {
    const access = route.config?.access ?? this.scopeRouteAccess;
    const methods = [route.method].flat();
    if (access === undefined) {
      throw new Error(`route ${methods.join(',')} ${route.url} declares no access: add config: { access: 'public' | 'storefront' | 'authenticated' | <role> | [<roles>] }`);
    }
    route.config = { ...route.config, access };
    for (const method of methods) table.push({ method, url: route.url, access });
  });

  await app.register(csrf, {
    sessionPlugin: '@fastify/cookie',
    cookieKey: csrfCookie,
    cookieOpts: sessionCookieOptions(app.config.publicUrl),
    getToken: (req) => req.headers[csrfHeader] as string | undefined,
    // Bound to the session: a token taken from one session is worthless in another (cookie tossing).
    getUserInfo: (req) => req.caller?.sessionId ?? '',
    csrfOpts: { hmacKey: app.config.auth.sessionSecret },
  });

  app.addHook('onRequest', (req: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => {
    // Unmatched requests (the not-found handler) declare nothing: they answer 404 or the studio's index page.
    const access = req.routeOptions.config.access ?? (req.is404 ? 'public' : undefined);
    if (access === undefined) { done(new ForbiddenError('this route declares no access')); return; }
    if (!accessAllows(access, req.caller ?? undefined)) {
      done(req.caller ? new ForbiddenError(forbiddenMessage(access, req.caller.kind)) : new UnauthenticatedError());
      return;
    }
    if (req.caller?.via === 'session' && !safeMethods.has(req.method)) {
      app.csrfProtection(req, reply, done);
      return;
    }
    done();
  });
}, { name: 'shotfarm-route-access', fastify: '5.x', dependencies: ['shotfarm-config', 'shotfarm-auth'] });

function forbiddenMessage(access: RouteAccess, kind: string): string {
  if (kind === 'storefront') return 'a storefront key may call only the storefront endpoints';
  if (access === 'storefront') return 'this endpoint is for storefront keys';
  return `this needs the role ${[access].flat().join(' or ')}`;
}
