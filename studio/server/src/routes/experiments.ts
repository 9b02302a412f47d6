import fp from 'fastify-plugin';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { hashJsonBody, IdempotencyHeaders } from '../services/requests/idempotency.ts';
import { ApiError, CreateExperiment, ExperimentCreated, ExperimentList, ExperimentListQuery, ExperimentView, Id, PromoteExperiment } from '@shotfarm/shared';

/** Experiment management, for the growth team: start, watch, stop, promote. Changes to what shoppers see are audited. */
const routes: FastifyPluginAsyncZod = async (app) => {
  const { store } = app.experiments;

  app.post('/api/experiments', {
    config: { access: 'growth' },
    schema: {
      tags: ['experiments'], summary: "Start an A/B rollout of a SKU slot's image (the live image joins as the control), priors from the scorer; send `Idempotency-Key` to retry safely",
      headers: IdempotencyHeaders, body: CreateExperiment, response: { 201: ExperimentCreated, '4xx': ApiError },
    },
  }, async (req, reply) => app.idempotent(req, reply, hashJsonBody(req.body), async () => {
    const created = await store.create(req.body, req.user?.id ?? null);
    await app.accounts.audit.record({ action: 'experiment.start', caller: req.caller, ip: req.ip, target: { type: 'experiment', id: created.id },
      details: { sku: req.body.sku, slot: req.body.slot, arms: created.arms.map((a) => a.assetId), policy: req.body.policy } });
    return { statusCode: 201, body: created };
  }));

  app.get('/api/experiments', {
    config: { access: 'growth' },
    schema: { tags: ['experiments'], summary: 'Experiments, newest first, by status and SKU', querystring: ExperimentListQuery, response: { 200: ExperimentList, '4xx': ApiError } },
  }, async (req) => store.list(req.query));

  app.get('/api/experiments/:id', {
    config: { access: 'growth' },
    schema: {
      tags: ['experiments'], summary: 'An experiment with each arm\'s counts, CTR interval, posterior, P(best) and weight, its decision, SRM p-value and weights by period',
      params: z.object({ id: Id }), response: { 200: ExperimentView, '4xx': ApiError },
    },
  }, async (req) => store.view(req.params.id));

  app.post('/api/experiments/:id/stop', {
    config: { access: 'growth' },
    schema: { tags: ['experiments'], summary: 'End the experiment; the slot serves its live image again', params: z.object({ id: Id }), response: { 200: ExperimentView, '4xx': ApiError } },
  }, async (req) => {
    const view = await store.stop(req.params.id);
    await app.accounts.audit.record({ action: 'experiment.stop', caller: req.caller, ip: req.ip, target: { type: 'experiment', id: view.id }, details: { sku: view.sku, slot: view.slot } });
    return view;
  });

  app.post('/api/experiments/:id/promote', {
    config: { access: 'growth' },
    schema: {
      tags: ['experiments'], summary: 'End the experiment and make an arm (default: the leader by P(best)) the live image',
      params: z.object({ id: Id }), body: PromoteExperiment.optional(), response: { 200: ExperimentView, '4xx': ApiError },
    },
  }, async (req) => {
    const view = await store.promote(req.params.id, req.body?.assetId, req.user?.id ?? null);
    await app.accounts.audit.record({ action: 'experiment.promote', caller: req.caller, ip: req.ip, target: { type: 'experiment', id: view.id },
      details: { sku: view.sku, slot: view.slot, assetId: view.promotedAssetId } });
    return view;
  });
};

export const experimentRoutes = fp(routes, { name: 'shotfarm-experiment-routes', fastify: '5.x', encapsulate: true,
  dependencies: ['shotfarm-experiments', 'shotfarm-auth', 'shotfarm-idempotency'] });
