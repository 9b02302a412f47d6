import fp from 'fastify-plugin';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { ApiError, Id, ImageScore, newId, Review, ReviewRequest, ScorePending } from '@shotfarm/shared';
import { tables } from '@shotfarm/shared/db';
import { AssetNotFoundError } from '../errors.ts';

const AssetParams = z.object({ id: Id });

const routes: FastifyPluginAsyncZod = async (app) => {
  const assetExists = async (id: string) => (await app.db.select({ id: tables.assets.id }).from(tables.assets).where(eq(tables.assets.id, id))).length > 0;

  app.get('/api/assets/:id/score', {
    config: { access: 'authenticated' },
    schema: { tags: ['scores'], summary: 'Marketplace gates, features, quality and predicted CTR of an image; 202 until scored',
      params: AssetParams, response: { 200: ImageScore, 202: ScorePending, '4xx': ApiError } },
  }, async (req, reply) => {
    const score = await app.farm.scores.latest(req.params.id);
    if (score) return score;
    if (!(await assetExists(req.params.id))) throw new AssetNotFoundError(req.params.id);
    return reply.code(202).send({ status: 'pending' as const });
  });

  app.post('/api/assets/:id/review', {
    config: { access: 'designer' },
    schema: { tags: ['scores'], summary: "A designer's approval or rejection, kept as a label for the quality model",
      params: AssetParams, body: ReviewRequest, response: { 201: Review, '4xx': ApiError } },
  }, async (req, reply) => {
    if (!(await assetExists(req.params.id))) throw new AssetNotFoundError(req.params.id);
    const [row] = await app.db.insert(tables.assetReviews).values({ id: newId(), assetId: req.params.id, verdict: req.body.verdict, reason: req.body.reason ?? null }).returning();
    return reply.code(201).send({ id: row!.id, assetId: row!.assetId, verdict: row!.verdict, reason: row!.reason, createdAt: row!.createdAt.toISOString() });
  });
};

export const scoreRoutes = fp(routes, { name: 'shotfarm-score-routes', fastify: '5.x', encapsulate: true, dependencies: ['shotfarm-db', 'shotfarm-farm'] });
