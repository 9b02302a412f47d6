import fp from 'fastify-plugin';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ApiError, Id, WebhookCreate, WebhookCreated, WebhookDelivery, WebhookDeliveryList, WebhookList } from '@shotfarm/shared';
import { WebhookNotFoundError, WebhookUrlForbiddenError, withDetails } from '../errors.ts';
import { TargetForbidden } from '../services/webhooks/target-guard.ts';

const WebhookParams = z.object({ id: Id });
const DeliveryParams = z.object({ id: Id, deliveryId: Id });

const routes: FastifyPluginAsyncZod = async (app) => {
  app.post('/api/webhooks', {
    config: { access: 'admin' },
    schema: { tags: ['webhooks'], summary: 'Subscribe a URL to events; the answer carries the signing secret (Standard Webhooks), shown once', body: WebhookCreate,
      response: { 201: WebhookCreated, '4xx': ApiError } },
  }, async (req, reply) => {
    try {
      return await reply.code(201).send(await app.webhooks.create(req.body, req.user?.id ?? null));
    } catch (e) {
      if (e instanceof TargetForbidden) throw withDetails(new WebhookUrlForbiddenError(`webhook URL refused: ${e.message}`), { field: 'url', address: e.address ?? null });
      throw e;
    }
  });

  app.get('/api/webhooks', {
    config: { access: 'admin' },
    schema: { tags: ['webhooks'], summary: 'Webhook subscriptions (without their secrets)', response: { 200: WebhookList, '4xx': ApiError } },
  }, async () => ({ items: await app.webhooks.list() }));

  app.delete('/api/webhooks/:id', {
    config: { access: 'admin' },
    schema: { tags: ['webhooks'], summary: 'Delete a subscription and its delivery log', params: WebhookParams, response: { 204: z.null(), '4xx': ApiError } },
  }, async (req, reply) => {
    if (!(await app.webhooks.remove(req.params.id))) throw new WebhookNotFoundError(req.params.id);
    return reply.code(204).send(null);
  });

  app.get('/api/webhooks/:id/deliveries', {
    config: { access: 'admin' },
    schema: { tags: ['webhooks'], summary: 'The latest deliveries of a subscription, each with every attempt and its answer', params: WebhookParams,
      response: { 200: WebhookDeliveryList, '4xx': ApiError } },
  }, async (req) => {
    if (!(await app.webhooks.exists(req.params.id))) throw new WebhookNotFoundError(req.params.id);
    return { items: await app.webhooks.deliveries(req.params.id) };
  });

  app.post('/api/webhooks/:id/deliveries/:deliveryId/redeliver', {
    config: { access: 'admin' },
    schema: { tags: ['webhooks'], summary: 'Send a delivery again now (same webhook-id); it is retried for another day if it fails', params: DeliveryParams,
      response: { 200: WebhookDelivery, '4xx': ApiError } },
  }, async (req) => {
    const delivery = await app.webhooks.redeliver(req.params.id, req.params.deliveryId);
    if (!delivery) throw new WebhookNotFoundError(req.params.deliveryId);
    return delivery;
  });
};

export const webhookRoutes = fp(routes, { name: 'shotfarm-webhook-routes', fastify: '5.x', encapsulate: true, dependencies: ['shotfarm-webhooks'] });
