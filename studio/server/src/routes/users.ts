import fp from 'fastify-plugin';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { accountAuditActions, ApiError, CreateUserRequest, Id, UpdateUserRequest, User, UserList } from '@shotfarm/shared';
import { toUser } from '../services/accounts/users.ts';

/** People and their roles (admin). */
const routes: FastifyPluginAsyncZod = async (app) => {
  const { users, sessions, audit } = app.accounts;

  app.get('/api/users', {
    config: { access: 'admin' },
    schema: { tags: ['accounts'], summary: 'Every user', response: { 200: UserList, '4xx': ApiError } },
  }, async () => ({ items: (await users.list()).map(toUser) }));

  app.post('/api/users', {
    config: { access: 'admin' },
    schema: { tags: ['accounts'], summary: 'Create a user', body: CreateUserRequest, response: { 201: User, '4xx': ApiError } },
  }, async (req, reply) => {
    const row = await users.create(req.body);
    await audit.record({ action: accountAuditActions.userCreated, caller: req.caller, ip: req.ip, target: { type: 'user', id: row.id },
      details: { email: row.email, roles: row.roles } });
    return reply.code(201).send(toUser(row));
  });

  app.patch('/api/users/:id', {
    config: { access: 'admin' },
    schema: {
      tags: ['accounts'], summary: 'Change roles, disable or enable, or reset the password (ends the user\'s sessions)',
      params: z.object({ id: Id }), body: UpdateUserRequest, response: { 200: User, '4xx': ApiError },
    },
  }, async (req) => {
    const row = await users.update(req.params.id, req.body);
    // A disabled account or a new password ends every session at once (keys stop with the disabled account too).
    if (req.body.disabled === true || req.body.password !== undefined) await sessions.destroyAllOf(row.id);
    await audit.record({ action: accountAuditActions.userUpdated, caller: req.caller, ip: req.ip, target: { type: 'user', id: row.id },
      details: { ...(req.body.roles ? { roles: req.body.roles } : {}), ...(req.body.disabled !== undefined ? { disabled: req.body.disabled } : {}),
        ...(req.body.password !== undefined ? { passwordReset: true } : {}) } });
    return toUser(row);
  });
};

export const userRoutes = fp(routes, { name: 'shotfarm-user-routes', fastify: '5.x', encapsulate: true,
  dependencies: ['shotfarm-auth', 'shotfarm-route-access'] });
