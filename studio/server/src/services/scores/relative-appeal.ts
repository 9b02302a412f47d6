import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import { alias, type AnyPgColumn } from 'drizzle-orm/pg-core';
import { tables, type Db } from '@shotfarm/shared/db';

/**
 * Which candidates an output is compared with: the outputs of every job made from the same product photo (the
 * job's `product` input), or of its own job when it has none.
 */
export const productGroupSql = (jobs: { inputs: AnyPgColumn; id: AnyPgColumn } = tables.jobs) => sql<string>`coalesce(${jobs.inputs}->>'product', ${jobs.id}::text)`;

/**
 * Mean latest predicted CTR of the scored outputs of each product group — the denominator of the relative
 * click-appeal score (`ScoreSummary.ctrRelative`). One query for a page of groups.
 */
export async function productMeanCtr(db: Db, groups: readonly string[]): Promise<Map<string, number>> {
  if (groups.length === 0) return new Map();
  const { scores, assets, jobs } = tables;
  const latest = db.selectDistinctOn([scores.assetId], { grp: productGroupSql().as('grp'), ctr: scores.ctr })
    .from(scores).innerJoin(assets, eq(assets.id, scores.assetId)).innerJoin(jobs, eq(jobs.id, assets.jobId))
    .where(and(eq(assets.kind, 'output'), inArray(productGroupSql(), [...groups])))
    .orderBy(scores.assetId, desc(scores.createdAt)).as('latest');
  const rows = await db.select({ grp: latest.grp, mean: sql<number>`avg(${latest.ctr})::float8` }).from(latest).groupBy(latest.grp);
  return new Map(rows.map((r) => [r.grp, Number(r.mean)]));
}

/**
 * The same means as {@link productMeanCtr}, for every product group, as a derived table (`grp`, `mean`) a listing
 * joins to sort by the relative score. Its own aliases of assets and jobs, so it joins a query over those tables.
 */
export function productMeanCtrTable(db: Db) {
  const { scores } = tables;
  const groupAsset = alias(tables.assets, 'group_asset');
  const groupJob = alias(tables.jobs, 'group_job');
  const latest = db.selectDistinctOn([scores.assetId], { grp: productGroupSql(groupJob).as('grp'), ctr: scores.ctr })
    .from(scores).innerJoin(groupAsset, eq(groupAsset.id, scores.assetId)).innerJoin(groupJob, eq(groupJob.id, groupAsset.jobId))
    .where(eq(groupAsset.kind, 'output'))
    .orderBy(scores.assetId, desc(scores.createdAt)).as('group_latest');
  return db.select({ grp: latest.grp, mean: sql<number>`avg(${latest.ctr})::float8`.as('mean') }).from(latest).groupBy(latest.grp).as('group_means');
}

/** `ctr` relative to its group's mean; 1 when the mean is not positive (nothing to compare with). */
export function relativeAppeal(ctr: number, mean: number | undefined): number {
  return mean !== undefined && mean > 0 ? ctr / mean : 1;
}
