import { and, desc, eq, isNotNull, isNull, lt, or, sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import { summariseGates, type AssetList, type AssetListQuery, type ImageScore, type ReviewVerdict } from '@shotfarm/shared';
import { tables, type Db } from '@shotfarm/shared/db';
import type { Storage } from '@shotfarm/shared/storage';
import { AssetCursorInvalidError } from '../../errors.ts';
import { productGroupSql, productMeanCtr, productMeanCtrTable, relativeAppeal } from '../scores/relative-appeal.ts';
import { toAssetView } from './asset-view.ts';

/** Sorting by a score puts unscored images last: their sort key is below any score (scores lie in [0, 1]). */
const unscoredKey = -1;

/**
 * The asset library, cursor-paged. Newest first pages by id: UUIDv7 ids sort by creation time, so a page
 * boundary never shifts when new assets arrive while a designer scrolls. Best first pages by (score, id),
 * the score being the asset's latest (re-scoring with a new model adds a row; the newest one counts).
 */
export async function listAssets(db: Db, storage: Storage, query: AssetListQuery): Promise<AssetList> {
  const { assets, jobs, scores, assetReviews } = tables;
  // Only the gate verdicts travel: features and text boxes would make a page of 200 megabytes-heavy.
  const latestScore = db.select({
    quality: scores.quality, ctr: scores.ctr, gatesPassed: scores.gatesPassed,
    gate: sql<ImageScore['gate']>`${scores.result}->'gate'`.as('gate'),
  }).from(scores).where(eq(scores.assetId, assets.id)).orderBy(desc(scores.createdAt)).limit(1).as('latest_score');
  const latestReview = db.select({ verdict: assetReviews.verdict }).from(assetReviews)
    .where(eq(assetReviews.assetId, assets.id)).orderBy(desc(assetReviews.createdAt)).limit(1).as('latest_review');

  // Click appeal sorts by what the card shows: the image's predicted CTR over its product's mean (the relative
  // score), not the raw prediction, which mostly says which product sells — and a simulator-trained model's raw
  // numbers mean nothing across products. Outputs without a product group and uploads read 1 (the average).
  const groupMeans = productMeanCtrTable(db);
  const sortKey: SQL<number> | undefined = query.sort === 'newest' ? undefined
    : query.sort === 'quality' ? sql<number>`coalesce(${latestScore.quality}, ${unscoredKey})`
      : sql<number>`coalesce(${latestScore.ctr} / nullif(${groupMeans.mean}, 0), case when ${latestScore.ctr} is not null then 1.0::float8 end, ${unscoredKey})`;
  const filters = [
    query.kind ? eq(assets.kind, query.kind) : undefined,
    query.jobId ? eq(assets.jobId, query.jobId) : undefined,
    gateFilter(query, latestScore.quality, latestScore.gatesPassed),
    query.review === 'none' ? isNull(latestReview.verdict) : query.review ? eq(latestReview.verdict, query.review) : undefined,
    query.cursor ? afterCursor(query.cursor, sortKey) : undefined,
  ].filter((f) => f !== undefined);

  const base = db.select({
    asset: assets, recipeId: jobs.recipeId, recipeVersion: jobs.recipeVersion,
    quality: latestScore.quality, ctr: latestScore.ctr, gate: latestScore.gate, review: latestReview.verdict,
    productGroup: sql<string | null>`case when ${assets.kind} = 'output' then ${productGroupSql()} end`,
    sortKey: sortKey ?? sql<number>`0`,
  }).from(assets)
    .leftJoin(jobs, eq(assets.jobId, jobs.id))
    .leftJoinLateral(latestScore, sql`true`)
    .leftJoinLateral(latestReview, sql`true`)
    .$dynamic();
  const joined = query.sort === 'ctr'
    ? base.leftJoin(groupMeans, and(eq(assets.kind, 'output'), eq(groupMeans.grp, productGroupSql())))
    : base;
  const rows = await joined
    .where(and(...filters))
    .orderBy(...(sortKey ? [desc(sortKey), desc(assets.id)] : [desc(assets.id)]))
    .limit(query.limit + 1);

  const page = rows.slice(0, query.limit);
  const last = page[page.length - 1];
  // The relative click-appeal score needs each product's mean: one more query for the page's products.
  const means = await productMeanCtr(db, [...new Set(page.filter((r) => r.ctr !== null).map((r) => r.productGroup).filter((g) => g !== null))]);
  return {
    items: await Promise.all(page.map(async (r) => ({
      ...(await toAssetView(storage, r.asset)),
      recipe: r.recipeId !== null && r.recipeVersion !== null ? { id: r.recipeId, version: r.recipeVersion } : null,
      score: r.quality !== null && r.ctr !== null && r.gate !== null ? {
        quality: r.quality, ctr: r.ctr, gates: summariseGates(r.gate),
        ...(r.productGroup !== null ? { ctrRelative: relativeAppeal(r.ctr, means.get(r.productGroup)) } : {}),
      } : null,
      review: (r.review as ReviewVerdict | null) ?? null,
    }))),
    nextCursor: rows.length > query.limit && last ? (sortKey ? `${Number(last.sortKey)}_${last.asset.id}` : last.asset.id) : null,
  };
}

function gateFilter(query: AssetListQuery, quality: SQLWrapper, gatesPassed: SQLWrapper): SQL | undefined {
  if (!query.gate) return undefined;
  // A video is never scored (the scorer reads images): it is not waiting for anything, so it is not "pending".
  if (query.gate === 'pending') return and(isNull(quality), sql`${tables.assets.mime} like 'image/%'`);
  const passed = sql`${gatesPassed} @> ${JSON.stringify([query.profile])}::jsonb`;
  return query.gate === 'pass' ? passed : and(isNotNull(quality), sql`not (${passed})`);
}

/** Rows strictly after the cursor in (sort key, id) descending order. */
function afterCursor(cursor: string, sortKey: SQL<number> | undefined): SQL | undefined {
  const split = cursor.lastIndexOf('_');
  if (!sortKey) {
    if (split !== -1) throw new AssetCursorInvalidError();
    return lt(tables.assets.id, cursor);
  }
  if (split === -1) throw new AssetCursorInvalidError();
  const key = Number(cursor.slice(0, split));
  const id = cursor.slice(split + 1);
  if (!Number.isFinite(key)) throw new AssetCursorInvalidError();
  return or(lt(sortKey, key), and(eq(sortKey, key), lt(tables.assets.id, id)));
}
