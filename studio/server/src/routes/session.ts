import fp from 'fastify-plugin';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { accountAuditActions, ApiError, LoginRequest, SessionAnswer } from '@shotfarm/shared';
import { clearSessionCookie, sessionCookieOptions, setSessionCookie } from '../plugins/auth.ts';
import { csrfCookie } from '../plugins/route-access.ts';

/** Login and logout for people (the studio); scripts use API keys instead. */
const routes: FastifyPluginAsyncZod = async (app) => {
  const publicUrl = app.config.publicUrl;

  app.post('/api/session', {
    config: { access: 'public', rateLimitClass: 'login' },
    schema: {
      tags: ['accounts'], summary: 'Sign in: sets the session cookie; send csrfToken back as x-csrf-token on state-changing requests',
      body: LoginRequest, response: { 200: SessionAnswer, '4xx': ApiError },
    },
  }, async (req, reply) => {
    const { caller, token, expiresAt } = await app.accounts.login(req.body.email, req.body.password, { ip: req.ip, userAgent: req.headers['user-agent'] });
    setSessionCookie(reply, token, publicUrl, expiresAt);
    return { user: { id: caller.user.id, email: caller.user.email, roles: caller.user.roles }, csrfToken: reply.generateCsrf({ userInfo: caller.sessionId! }) };
  });

  app.get('/api/session', {
    config: { access: 'authenticated' },
    schema: { tags: ['accounts'], summary: 'Who is signed in, and a CSRF token for this session', response: { 200: SessionAnswer, '4xx': ApiError } },
  }, async (req, reply) => {
    const caller = req.caller!;
    // A key has no session and needs no CSRF token; it gets an empty one so the answer keeps its shape.
    const csrfToken = caller.sessionId ? reply.generateCsrf({ userInfo: caller.sessionId }) : '';
    return { user: { id: caller.user.id, email: caller.user.email, roles: caller.user.roles }, csrfToken };
  });

  app.delete('/api/session', {
    config: { access: 'authenticated' },
    schema: { tags: ['accounts'], summary: 'Sign out: ends the session at once', response: { 204: z.null(), '4xx': ApiError } },
  }, async (req, reply) => {
    const caller = req.caller!;
    if (!caller.sessionId) return reply.code(204).send(null); // a key has no session: it ends by being revoked
    await app.accounts.sessions.destroy(caller.sessionId);
    await app.accounts.audit.record({ action: accountAuditActions.logout, caller, ip: req.ip, target: { type: 'user', id: caller.user.id } });
    clearSessionCookie(reply, publicUrl);
    reply.clearCookie(csrfCookie, sessionCookieOptions(publicUrl));
    return reply.code(204).send(null);
  });
};

export const sessionRoutes = fp(routes, { name: 'shotfarm-session-routes', fastify: '5.x', encapsulate: true,
  dependencies: ['shotfarm-config', 'shotfarm-auth', 'shotfarm-route-access'] });
