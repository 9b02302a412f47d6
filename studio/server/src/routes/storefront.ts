import fp from 'fastify-plugin';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ApiError, EventBatch, EventBatchResult, ServeAnswer, ServeQuery, Sku, SlotName } from '@shotfarm/shared';
import { SlotEmptyError } from '../errors.ts';

/**
 * The storefront's hot path, called with a storefront key: `/serve` picks the image (sticky per visitor) and
 * counts the impression, `/events` ingests impressions and clicks. Neither touches the database.
 */
const routes: FastifyPluginAsyncZod = async (app) => {
  const { serving, ingest } = app.experiments;

  app.get('/serve/:sku/:slot', {
    config: { access: 'storefront' },
    schema: {
      tags: ['storefront'], summary: 'The image to show this visitor: a 302 to its URL, or JSON with ?format=json; counts one impression unless record=0',
      params: z.object({ sku: Sku, slot: SlotName }), querystring: ServeQuery,
      response: { 200: ServeAnswer, 302: z.null(), '4xx': ApiError },
    },
  }, async (req, reply) => {
    const served = await serving.serve(req.params.sku, req.params.slot, req.query.visitor, req.query.record === '1');
    if (!served) throw new SlotEmptyError(req.params.sku, req.params.slot);
    // A visitor's choice must not be cached by a shared cache; the image URL itself is cacheable.
    reply.header('cache-control', 'private, no-store');
    if (req.query.format === 'json') return served;
    return reply.redirect(served.url, 302);
  });

  app.post('/events', {
    config: { access: 'storefront' },
    schema: {
      tags: ['storefront'], summary: 'Impressions and clicks (≤ 1,000 per batch); duplicates by eventId count once, late events within the window count',
      body: EventBatch, response: { 202: EventBatchResult, '4xx': ApiError },
    },
  }, async (req, reply) => reply.code(202).send(await ingest.ingest(req.body.events)));
};

export const storefrontRoutes = fp(routes, { name: 'shotfarm-storefront-routes', fastify: '5.x', encapsulate: true, dependencies: ['shotfarm-experiments'] });
