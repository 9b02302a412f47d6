import fp from 'fastify-plugin';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ApiError, AuditPage, AuditQuery } from '@shotfarm/shared';

/** The audit log (admin): newest first, cursor-paged. */
const routes: FastifyPluginAsyncZod = async (app) => {
  app.get('/api/audit', {
    config: { access: 'admin' },
    schema: { tags: ['accounts'], summary: 'Audit events, newest first, cursor-paged', querystring: AuditQuery, response: { 200: AuditPage, '4xx': ApiError } },
  }, async (req) => app.accounts.audit.page(req.query));
};

export const auditRoutes = fp(routes, { name: 'shotfarm-audit-routes', fastify: '5.x', encapsulate: true,
  dependencies: ['shotfarm-auth', 'shotfarm-route-access'] });
