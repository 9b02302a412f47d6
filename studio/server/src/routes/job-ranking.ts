import fp from 'fastify-plugin';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { and, desc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { ApiError, Id, RankingQuery } from '@shotfarm/shared';
import { tables } from '@shotfarm/shared/db';
import { gateProfileIds, topKDiverse } from '@shotfarm/scorer';
import { GateProfileUnknownError, JobNotFoundError } from '../errors.ts';

const Ranking = z.object({
  jobId: Id, profile: z.string(), k: z.int(),
  /** Outputs not yet scored; the ranking may change once they are. */
  pending: z.int(),
  /** Scored outputs that fail the profile's gate, so never candidates. */
  gateFailed: z.int(),
  picks: z.array(z.object({ assetId: Id, rank: z.int(), ctr: z.number(), quality: z.number(), phash: z.string(), url: z.string(), thumbnailUrl: z.string().nullable() })),
});

const routes: FastifyPluginAsyncZod = async (app) => {
  app.get('/api/jobs/:id/ranking', {
    schema: { tags: ['scores'], summary: 'The top K gate-passing outputs by predicted CTR, kept diverse: the candidates for an A/B rollout',
      params: z.object({ id: Id }), querystring: RankingQuery, response: { 200: Ranking, '4xx': ApiError } },
  }, async (req) => {
    const { k, profile, minDistance } = req.query;
    if (!gateProfileIds.includes(profile)) throw new GateProfileUnknownError(profile, gateProfileIds.join(', '));
    const [job] = await app.db.select({ id: tables.jobs.id }).from(tables.jobs).where(eq(tables.jobs.id, req.params.id));
    if (!job) throw new JobNotFoundError(req.params.id);
    const outputs = await app.db.select().from(tables.assets).where(and(eq(tables.assets.jobId, job.id), eq(tables.assets.kind, 'output')));
    const candidates = [];
    let pending = 0;
    let gateFailed = 0;
    for (const asset of outputs) {
      // The newest score of each output (the active model's, once re-scored).
      const [score] = await app.db.select().from(tables.scores).where(eq(tables.scores.assetId, asset.id)).orderBy(desc(tables.scores.createdAt)).limit(1);
      if (!score) { pending++; continue; }
      if (!score.gatesPassed.includes(profile)) { gateFailed++; continue; }
      candidates.push({ id: asset.id, ctr: score.ctr, quality: score.quality, phash: score.phash, asset });
    }
    const picks = await Promise.all(topKDiverse(candidates, k, minDistance).map(async (c, i) => ({
      assetId: c.id, rank: i + 1, ctr: c.ctr, quality: c.quality, phash: c.phash,
      url: await app.storage.signedUrl(c.asset.key), thumbnailUrl: c.asset.thumbKey ? await app.storage.signedUrl(c.asset.thumbKey) : null,
    })));
    return { jobId: job.id, profile, k, pending, gateFailed, picks };
  });
};

export const jobRankingRoutes = fp(routes, { name: 'shotfarm-job-ranking-routes', fastify: '5.x', encapsulate: true, dependencies: ['shotfarm-db', 'shotfarm-storage'] });
