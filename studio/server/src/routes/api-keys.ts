import fp from 'fastify-plugin';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { accountAuditActions, ApiError, ApiKey, ApiKeyList, CreateApiKeyRequest, CreatedApiKey, holdsRole, Id } from '@shotfarm/shared';
import { toApiKey } from '../services/accounts/api-keys.ts';

/** API keys for automation and the storefront: anyone signed in manages their own; an admin sees and revokes all. */
const routes: FastifyPluginAsyncZod = async (app) => {
  const { apiKeys, audit } = app.accounts;

  app.get('/api/api-keys', {
    config: { access: 'authenticated' },
    schema: { tags: ['accounts'], summary: "The caller's keys (an admin: every key), never the keys themselves", response: { 200: ApiKeyList, '4xx': ApiError } },
  }, async (req) => {
    const caller = req.caller!;
    return { items: (await apiKeys.list(holdsRole(caller.roles, 'admin') ? undefined : caller.user.id)).map(toApiKey) };
  });

  app.post('/api/api-keys', {
    config: { access: 'authenticated' },
    schema: {
      tags: ['accounts'], summary: 'Create a key (roles never beyond the caller\'s); the key is in the answer this once',
      body: CreateApiKeyRequest, response: { 201: CreatedApiKey, '4xx': ApiError },
    },
  }, async (req, reply) => {
    const { row, key } = await apiKeys.create(req.caller!, {
      name: req.body.name, kind: req.body.kind, roles: req.body.roles,
      ...(req.body.expiresAt ? { expiresAt: new Date(req.body.expiresAt) } : {}),
    });
    await audit.record({ action: accountAuditActions.apiKeyCreated, caller: req.caller, ip: req.ip, target: { type: 'api-key', id: row.id },
      details: { name: row.name, kind: row.kind, roles: row.roles, expiresAt: row.expiresAt?.toISOString() ?? null } });
    const view = toApiKey(row);
    return reply.code(201).send({ id: view.id, key, name: view.name, roles: view.roles, kind: view.kind, expiresAt: view.expiresAt });
  });

  app.delete('/api/api-keys/:id', {
    config: { access: 'authenticated' },
    schema: { tags: ['accounts'], summary: 'Revoke a key: it stops working at once', params: z.object({ id: Id }), response: { 200: ApiKey, '4xx': ApiError } },
  }, async (req) => {
    const row = await apiKeys.revoke(req.params.id, req.caller!);
    await audit.record({ action: accountAuditActions.apiKeyRevoked, caller: req.caller, ip: req.ip, target: { type: 'api-key', id: row.id }, details: { name: row.name } });
    return toApiKey(row);
  });
};

export const apiKeyRoutes = fp(routes, { name: 'shotfarm-api-key-routes', fastify: '5.x', encapsulate: true,
  dependencies: ['shotfarm-auth', 'shotfarm-route-access'] });
