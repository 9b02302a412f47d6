import fp from 'fastify-plugin';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ActivateModelRequest, ApiError, ModelVersionList, ModelVersionView, QualityLabelStatus, TrainModelAccepted, TrainModelRequest, TrainRunView } from '@shotfarm/shared';
import { ModelIsActiveError, ModelNotBetterError, ModelNotFoundError, ModelTrainingDataShortError, TrainRunNotFoundError } from '../errors.ts';

const ModelName = z.string().regex(/^[a-z][a-z0-9-]*$/);

const routes: FastifyPluginAsyncZod = async (app) => {
  const { models } = app.farm;
  const { audit } = app.accounts;

  app.get('/api/models', {
    config: { access: 'authenticated' },
    schema: {
      tags: ['scores'], summary: 'Stored model versions, newest first, with their cards (what they were trained on, offline metrics, the comparison with the model active when they were trained) and which is active',
      querystring: z.strictObject({ name: ModelName.default('ctr') }),
      response: { 200: ModelVersionList, '4xx': ApiError },
    },
  }, async (req) => ({ items: await models.list(req.query.name) }));

  app.post('/api/models/train', {
    config: { access: 'admin' },
    schema: {
      tags: ['scores'], summary: 'Retrain the CTR model on the training data, or (`name: quality`) train the quality head on designers\' labels once there are QUALITY_HEAD_MIN_LABELS of them (a BullMQ job on a scorer host); the candidate becomes active only when it beats the active model (for quality: the active head, else the transparent composite) on held-out data with the interval excluding zero',
      body: TrainModelRequest.optional(), response: { 202: TrainModelAccepted, '4xx': ApiError },
    },
  }, async (req, reply) => {
    const body = TrainModelRequest.parse(req.body ?? {});
    if (body.name === 'quality') {
      // Refused up front, nothing queued: until there are enough labels the transparent composite stays.
      const { labels } = await app.learning.qualityLabels.counts();
      const needed = app.config.learning.qualityHeadMinLabels;
      if (labels < needed) throw new ModelTrainingDataShortError(`${labels} designer label(s) of scored outputs; a learned quality head needs ${needed} (QUALITY_HEAD_MIN_LABELS)`);
    }
    const jobId = await app.learning.retrain.enqueue({ name: body.name, holdoutDays: body.holdoutDays, promote: body.promote, requestedBy: req.user?.id ?? null });
    return reply.code(202).send({ jobId });
  });

  app.get('/api/models/quality-labels', {
    config: { access: 'authenticated' },
    schema: {
      tags: ['scores'], summary: 'Designers\' labels (approvals and rejections of scored outputs) the learned quality head would train on, how many it needs, and which head is active (null: the transparent composite)',
      response: { 200: QualityLabelStatus, '4xx': ApiError },
    },
  }, async () => {
    const counts = await app.learning.qualityLabels.counts();
    const active = await models.activePointer('quality');
    return { ...counts, needed: app.config.learning.qualityHeadMinLabels, activeVersion: active ? `${active.name}-v${active.version}` : null };
  });

  app.post('/api/models/quality/deactivate', {
    config: { access: 'admin' },
    schema: {
      tags: ['scores'], summary: 'Go back to the transparent quality composite: the learned quality head stops serving at once (no restart) and is retired, so activating it again is a rollback; audited',
      response: { 200: QualityLabelStatus, '4xx': ApiError },
    },
  }, async (req) => {
    const previous = await models.deactivate('quality');
    if (previous) {
      await audit.record({
        action: 'model.rollback', caller: req.caller, ip: req.ip, target: { type: 'model', id: `${previous.name}-v${previous.version}` },
        details: { from: `${previous.name}-v${previous.version}`, to: 'quality-composite' },
      });
    }
    const counts = await app.learning.qualityLabels.counts();
    return { ...counts, needed: app.config.learning.qualityHeadMinLabels, activeVersion: null };
  });

  app.post('/api/models/:version/shadow', {
    config: { access: 'admin' },
    schema: {
      tags: ['scores'],
      summary: 'Put a stored, inactive version in shadow: from now on every image is also scored by it, its prediction stored beside the active one (`ctr.shadow` of the score); it serves nothing. Activating it, or putting another in shadow, ends it',
      params: z.object({ version: z.coerce.number().int().positive() }), body: z.strictObject({ name: ModelName.default('ctr') }).optional(),
      response: { 200: ModelVersionView, '4xx': ApiError },
    },
  }, async (req) => {
    const name = req.body?.name ?? 'ctr';
    const target = await models.find(name, req.params.version);
    if (!target) throw new ModelNotFoundError(name, req.params.version);
    if (target.status === 'active') throw new ModelIsActiveError(target.modelVersion);
    await models.setShadow(name, req.params.version);
    await audit.record({ action: 'model.shadow', caller: req.caller, ip: req.ip, target: { type: 'model', id: target.modelVersion } });
    return (await models.find(name, req.params.version))!;
  });

  app.get('/api/models/train/:jobId', {
    config: { access: 'admin' },
    schema: {
      tags: ['scores'], summary: 'Where a retraining run stands: waiting, active, completed (the new version, its decision, whether it was promoted) or failed (with its reason)',
      params: z.object({ jobId: z.string().regex(/^[A-Za-z0-9:_-]{1,100}$/) }), response: { 200: TrainRunView, '4xx': ApiError },
    },
  }, async (req) => {
    const run = await app.learning.retrain.state(req.params.jobId);
    if (!run) throw new TrainRunNotFoundError(req.params.jobId);
    return run;
  });

  app.post('/api/models/:version/activate', {
    config: { access: 'admin' },
    schema: {
      tags: ['scores'],
      summary: 'Make a stored version the active one for every scorer at once (no restart): a rollback to any earlier version, or a promotion; a candidate not shown better needs `override: true`, which is audited',
      params: z.object({ version: z.coerce.number().int().positive() }), body: ActivateModelRequest.optional(),
      response: { 200: ModelVersionView, '4xx': ApiError },
    },
  }, async (req) => {
    const { name, override } = ActivateModelRequest.parse(req.body ?? {});
    const { version } = req.params;
    const target = await models.find(name, version);
    if (!target) throw new ModelNotFoundError(name, version);
    if (target.status === 'active') return target;
    // A version that was never active must have won its comparison; one that served before (retired) is a rollback.
    const shownBetter = target.card.comparison?.decision === 'better';
    if (target.status !== 'retired' && !shownBetter && !override) {
      throw new ModelNotBetterError(`${target.modelVersion} was not shown to be better than the active model on held-out days; send override: true to activate it anyway (audited)`);
    }
    const previous = await models.activePointer(name);
    await models.activate(name, version, req.user?.id ?? null);
    await audit.record({
      action: override && !shownBetter && target.status !== 'retired' ? 'model.override' : target.status === 'retired' ? 'model.rollback' : 'model.activate',
      caller: req.caller, ip: req.ip, target: { type: 'model', id: target.modelVersion },
      details: { from: previous ? `${previous.name}-v${previous.version}` : null, to: target.modelVersion, decision: target.card.comparison?.decision ?? null },
    });
    return (await models.find(name, version))!;
  });
};

export const modelRoutes = fp(routes, { name: 'shotfarm-model-routes', fastify: '5.x', encapsulate: true, dependencies: ['shotfarm-db', 'shotfarm-farm', 'shotfarm-auth', 'shotfarm-learning'] });
