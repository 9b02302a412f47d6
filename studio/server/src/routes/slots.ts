import fp from 'fastify-plugin';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ApiError, Id, SetLive, Sku, SlotName, SlotView } from '@shotfarm/shared';

const SlotParams = z.object({ sku: Sku, slot: SlotName });
const SlotList = z.object({ items: z.array(z.object({ sku: Sku, slot: SlotName, assetId: Id, since: z.iso.datetime() })) });

/** Live pointers: each SKU slot's live image, its history, a manual move and a one-call rollback (all audited). */
const routes: FastifyPluginAsyncZod = async (app) => {
  const { live } = app.experiments;

  app.get('/api/slots', {
    config: { access: 'growth' },
    schema: { tags: ['experiments'], summary: 'SKU slots that have a live image, latest change first', response: { 200: SlotList, '4xx': ApiError } },
  }, async () => ({ items: await live.list() }));

  app.get('/api/slots/:sku/:slot', {
    config: { access: 'growth' },
    schema: { tags: ['experiments'], summary: "A SKU slot's live image and the history of its changes", params: SlotParams, response: { 200: SlotView, '4xx': ApiError } },
  }, async (req) => live.view(req.params.sku, req.params.slot));

  app.put('/api/slots/:sku/:slot', {
    config: { access: 'growth' },
    schema: { tags: ['experiments'], summary: 'Make an image the live one (a manual change)', params: SlotParams, body: SetLive, response: { 200: SlotView, '4xx': ApiError } },
  }, async (req) => {
    const view = await live.set(req.params.sku, req.params.slot, req.body.assetId, req.user?.id ?? null);
    await app.accounts.audit.record({ action: 'slot.set', caller: req.caller, ip: req.ip, target: { type: 'slot', id: `${req.params.sku}/${req.params.slot}` }, details: { assetId: req.body.assetId } });
    return view;
  });

  app.post('/api/slots/:sku/:slot/rollback', {
    config: { access: 'growth' },
    schema: { tags: ['experiments'], summary: 'Return the slot to the image it showed before its latest change', params: SlotParams, response: { 200: SlotView, '4xx': ApiError } },
  }, async (req) => {
    const view = await live.rollback(req.params.sku, req.params.slot, req.user?.id ?? null);
    await app.accounts.audit.record({ action: 'slot.rollback', caller: req.caller, ip: req.ip, target: { type: 'slot', id: `${req.params.sku}/${req.params.slot}` }, details: { assetId: view.live?.assetId ?? null } });
    return view;
  });
};

export const slotRoutes = fp(routes, { name: 'shotfarm-slot-routes', fastify: '5.x', encapsulate: true, dependencies: ['shotfarm-experiments', 'shotfarm-auth'] });
