import fp from 'fastify-plugin';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { and, desc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { ApiError, GateProfileId, Id, JobRanking, RankingQuery } from '@shotfarm/shared';
import { tables } from '@shotfarm/shared/db';
import { topKDiverse } from '@shotfarm/shared/ranking';
import { GateProfileUnknownError, JobNotFoundError } from '../errors.ts';
import { relativeAppeal } from '../services/scores/relative-appeal.ts';

const routes: FastifyPluginAsyncZod = async (app) => {
  app.get('/api/jobs/:id/ranking', {
    config: { access: 'authenticated' },
    schema: { tags: ['scores'], summary: 'The top K gate-passing outputs by predicted CTR, kept diverse: the candidates for an A/B rollout',
      params: z.object({ id: Id }), querystring: RankingQuery, response: { 200: JobRanking, '4xx': ApiError } },
  }, async (req) => {
    const { k, profile, minDistance } = req.query;
    if (!GateProfileId.safeParse(profile).success) throw new GateProfileUnknownError(profile, GateProfileId.options.join(', '));
    const [job] = await app.db.select({ id: tables.jobs.id }).from(tables.jobs).where(eq(tables.jobs.id, req.params.id));
    if (!job) throw new JobNotFoundError(req.params.id);
    const outputs = await app.db.select().from(tables.assets).where(and(eq(tables.assets.jobId, job.id), eq(tables.assets.kind, 'output')));
    // The newest score of each output (the active model's, once re-scored), all in one query.
    const newest = await app.db.selectDistinctOn([tables.scores.assetId], {
      assetId: tables.scores.assetId, ctr: tables.scores.ctr, quality: tables.scores.quality, phash: tables.scores.phash, gatesPassed: tables.scores.gatesPassed,
    }).from(tables.scores).innerJoin(tables.assets, eq(tables.assets.id, tables.scores.assetId))
      .where(and(eq(tables.assets.jobId, job.id), eq(tables.assets.kind, 'output')))
      .orderBy(tables.scores.assetId, desc(tables.scores.createdAt));
    const scoreOf = new Map(newest.map((s) => [s.assetId, s]));
    const candidates = [];
    let pending = 0;
    let gateFailed = 0;
    for (const asset of outputs) {
      const score = scoreOf.get(asset.id);
      if (!score) { pending++; continue; }
      if (!score.gatesPassed.includes(profile)) { gateFailed++; continue; }
      candidates.push({ id: asset.id, ctr: score.ctr, quality: score.quality, phash: score.phash, asset });
    }
    // Relative click appeal: against the mean of this job's scored outputs (gate failures included: the same product's images).
    const meanCtr = newest.length > 0 ? newest.reduce((sum, s) => sum + s.ctr, 0) / newest.length : undefined;
    const picks = await Promise.all(topKDiverse(candidates, k, minDistance).map(async (c, i) => ({
      assetId: c.id, rank: i + 1, ctr: c.ctr, ctrRelative: relativeAppeal(c.ctr, meanCtr), quality: c.quality, phash: c.phash,
      url: await app.storage.signedUrl(c.asset.key), thumbnailUrl: c.asset.thumbKey ? await app.storage.signedUrl(c.asset.thumbKey) : null,
    })));
    return { jobId: job.id, profile, k, pending, gateFailed, picks };
  });
};

export const jobRankingRoutes = fp(routes, { name: 'shotfarm-job-ranking-routes', fastify: '5.x', encapsulate: true, dependencies: ['shotfarm-db', 'shotfarm-storage'] });
