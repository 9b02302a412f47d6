import { and, asc, desc, eq, gt, ilike, inArray, or, sql } from 'drizzle-orm';
import type { LaunchSkuPage, LaunchSkuQuery, LaunchSkuView, LaunchView, LaunchCandidate } from '@shotfarm/shared';
import { launchSlotOf } from '@shotfarm/shared';
import { tables, type Db } from '@shotfarm/shared/db';
import type { Storage } from '@shotfarm/shared/storage';
import { launchSpend } from './launch-runner.ts';

type LaunchRow = typeof tables.launches.$inferSelect;
type SkuRow = typeof tables.launchSkus.$inferSelect;

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

/** Counts of a launch's SKUs by status. */
async function skuCounts(db: Db, launchId: string): Promise<LaunchView['skus']> {
  const rows = await db.select({ status: tables.launchSkus.status, n: sql<number>`count(*)::int` }).from(tables.launchSkus)
    .where(eq(tables.launchSkus.launchId, launchId)).groupBy(tables.launchSkus.status);
  const n = (s: string) => rows.find((r) => r.status === s)?.n ?? 0;
  const total = rows.reduce((a, r) => a + r.n, 0);
  return {
    total, pending: n('pending'), rendering: n('rendering'), done: n('done'), failed: n('failed'),
    skippedBudget: n('skipped_budget'), needsReview: n('needs_review'), canceled: n('canceled'),
  };
}

/** `GET /api/launches/:id`: counts, spend and an ETA from the pace so far. */
export async function launchView(db: Db, launch: LaunchRow, now = new Date()): Promise<LaunchView> {
  const skus = await skuCounts(db, launch.id);
  const ended = skus.done + skus.failed + skus.skippedBudget + skus.needsReview + skus.canceled;
  const left = skus.pending + skus.rendering;
  let eta: string | null = null;
  if (launch.status === 'running' && launch.startedAt && ended > 0 && left > 0) {
    const perSku = (now.getTime() - launch.startedAt.getTime()) / ended;
    eta = new Date(now.getTime() + perSku * left).toISOString();
  }
  return {
    id: launch.id, name: launch.name, status: launch.status, plan: launch.plan, skus, spend: await launchSpend(db, launch.id),
    estimatePerSku: launch.estimatePerSkuMilliFen, rejected: launch.rejected,
    createdAt: launch.createdAt.toISOString(), startedAt: iso(launch.startedAt), finishedAt: iso(launch.finishedAt), eta,
  };
}

export async function listLaunches(db: Db, limit = 50): Promise<Omit<LaunchView, 'rejected' | 'plan'>[]> {
  const rows = await db.select().from(tables.launches).orderBy(desc(tables.launches.id)).limit(limit);
  return Promise.all(rows.map(async (l) => {
    const { rejected: _r, plan: _p, ...rest } = await launchView(db, l);
    return rest;
  }));
}

/** Spend per SKU of a launch (the ledger lines tagged with launch and SKU). */
async function spendBySku(db: Db, launchId: string, skus: string[]): Promise<Map<string, number>> {
  if (skus.length === 0) return new Map();
  const rows = await db.select({ sku: tables.costEntries.sku, sum: sql<string>`sum(${tables.costEntries.amountMilliFen})` }).from(tables.costEntries)
    .where(and(eq(tables.costEntries.launchId, launchId), inArray(tables.costEntries.sku, skus))).groupBy(tables.costEntries.sku);
  return new Map(rows.map((r) => [r.sku ?? '', Number(r.sum)]));
}

/** The picks of some SKUs with their assets and newest scores, in slot and rank order. */
async function picksOf(db: Db, skuIds: string[]) {
  if (skuIds.length === 0) return [];
  return db.select({
    skuId: tables.launchPicks.skuId, slot: tables.launchPicks.slot, rank: tables.launchPicks.rank, by: tables.launchPicks.by,
    assetId: tables.assets.id, key: tables.assets.key, thumbKey: tables.assets.thumbKey, mime: tables.assets.mime,
    ctr: sql<number | null>`(select s.ctr from scores s where s.asset_id = ${tables.assets.id} order by s.created_at desc limit 1)`,
    quality: sql<number | null>`(select s.quality from scores s where s.asset_id = ${tables.assets.id} order by s.created_at desc limit 1)`,
    gatesPassed: sql<string[] | null>`(select s.gates_passed from scores s where s.asset_id = ${tables.assets.id} order by s.created_at desc limit 1)`,
  }).from(tables.launchPicks).innerJoin(tables.assets, eq(tables.assets.id, tables.launchPicks.assetId))
    .where(inArray(tables.launchPicks.skuId, skuIds)).orderBy(asc(tables.launchPicks.skuId), asc(tables.launchPicks.slot), asc(tables.launchPicks.rank));
}

/** `GET /api/launches/:id/skus`: paged by line, filterable by status and text. */
export async function skuPage(db: Db, storage: Storage, launchId: string, q: LaunchSkuQuery): Promise<LaunchSkuPage> {
  const where = and(
    eq(tables.launchSkus.launchId, launchId), gt(tables.launchSkus.line, q.after),
    q.status ? eq(tables.launchSkus.status, q.status) : undefined,
    q.q ? or(ilike(tables.launchSkus.sku, `%${escapeLike(q.q)}%`), ilike(tables.launchSkus.title, `%${escapeLike(q.q)}%`)) : undefined,
  );
  const rows = await db.select().from(tables.launchSkus).where(where).orderBy(asc(tables.launchSkus.line)).limit(q.limit + 1);
  const page = rows.slice(0, q.limit);
  return { items: await skuViews(db, storage, launchId, page), nextAfter: rows.length > q.limit ? page.at(-1)!.line : null };
}

export async function skuViews(db: Db, storage: Storage, launchId: string, page: SkuRow[]): Promise<LaunchSkuView[]> {
  const picks = await picksOf(db, page.map((s) => s.id));
  const spend = await spendBySku(db, launchId, page.map((s) => s.sku));
  const photoIds = page.map((s) => s.photos[0]?.assetId).filter((x): x is string => !!x);
  const photos = photoIds.length === 0 ? [] : await db.select({ id: tables.assets.id, thumbKey: tables.assets.thumbKey }).from(tables.assets).where(inArray(tables.assets.id, photoIds));
  const thumbOf = new Map(photos.map((p) => [p.id, p.thumbKey]));
  return Promise.all(page.map(async (s) => {
    const thumb = s.photos[0]?.assetId ? thumbOf.get(s.photos[0].assetId) : null;
    return {
      id: s.id, line: s.line, sku: s.sku, title: s.title, category: s.category, status: s.status, jobIds: s.jobIds,
      photoThumbnailUrl: thumb ? await storage.signedUrl(thumb) : null,
      picks: await Promise.all(picks.filter((p) => p.skuId === s.id).map(async (p) => ({
        slot: p.slot, rank: p.rank, assetId: p.assetId, url: await storage.signedUrl(p.key), thumbnailUrl: p.thumbKey ? await storage.signedUrl(p.thumbKey) : null,
        mime: p.mime, ctr: p.ctr, quality: p.quality, by: p.by,
      }))),
      failingRules: s.failingRules, errorCode: s.errorCode, errorMessage: s.errorMessage, spend: spend.get(s.sku) ?? 0,
      experiment: s.experimentState ? { state: s.experimentState, id: s.experimentId, error: s.experimentError } : null,
    };
  }));
}

/** Every output of a SKU's jobs with its newest score: what the review view offers to swap in. */
export async function skuCandidates(db: Db, storage: Storage, sku: SkuRow, profile: string): Promise<LaunchCandidate[]> {
  if (sku.jobIds.length === 0) return [];
  const rows = await db.select({
    id: tables.assets.id, key: tables.assets.key, thumbKey: tables.assets.thumbKey, mime: tables.assets.mime, type: tables.jobs.type,
    ctr: sql<number | null>`(select s.ctr from scores s where s.asset_id = ${tables.assets.id} order by s.created_at desc limit 1)`,
    quality: sql<number | null>`(select s.quality from scores s where s.asset_id = ${tables.assets.id} order by s.created_at desc limit 1)`,
    gatesPassed: sql<string[] | null>`(select s.gates_passed from scores s where s.asset_id = ${tables.assets.id} order by s.created_at desc limit 1)`,
  }).from(tables.assets).innerJoin(tables.jobs, eq(tables.jobs.id, tables.assets.jobId))
    .where(and(inArray(tables.assets.jobId, sku.jobIds), eq(tables.assets.kind, 'output'))).orderBy(asc(tables.assets.id));
  return Promise.all(rows.map(async (r) => ({
    assetId: r.id, slot: launchSlotOf[r.type], url: await storage.signedUrl(r.key), thumbnailUrl: r.thumbKey ? await storage.signedUrl(r.thumbKey) : null,
    mime: r.mime, ctr: r.ctr, quality: r.quality, gatePass: r.gatesPassed === null ? null : r.gatesPassed.includes(profile),
  })));
}

const escapeLike = (s: string): string => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** Walk a launch's SKUs in line order, a page at a time (the report streams: memory does not grow with the launch). */
export async function* skuBatches(db: Db, launchId: string, size = 200): AsyncGenerator<SkuRow[]> {
  let after = 0;
  for (;;) {
    const rows = await db.select().from(tables.launchSkus).where(and(eq(tables.launchSkus.launchId, launchId), gt(tables.launchSkus.line, after)))
      .orderBy(asc(tables.launchSkus.line)).limit(size);
    if (rows.length === 0) return;
    yield rows;
    after = rows.at(-1)!.line;
  }
}

export { picksOf, spendBySku };
