import { inArray, sql } from 'drizzle-orm';
import { tables, type Db } from '@shotfarm/shared/db';

/** What `live` counts in the roll-ups: images a live pointer has named, or approved images on a farm without pointers. */
export type LiveSource = 'approved' | 'live-pointers';

/** Per task: outputs whose latest review is an approval. */
export async function approvedImagesByTask(db: Db, taskIds: readonly string[]): Promise<Map<string, number>> {
  if (taskIds.length === 0) return new Map();
  const rows = await db.select({ taskId: tables.assets.taskId, n: sql<string>`count(*)` }).from(tables.assets)
    .where(sql`${inArray(tables.assets.taskId, [...taskIds])} and (select r.verdict from asset_reviews r where r.asset_id = ${tables.assets.id} order by r.created_at desc, r.id desc limit 1) = 'approve'`)
    .groupBy(tables.assets.taskId);
  return new Map(rows.map((r) => [r.taskId!, Number(r.n)]));
}

/** Per task: outputs that have gone live in a shop (named by a SKU slot's live pointer at any time). */
export async function liveImagesFromPointers(db: Db, taskIds: readonly string[]): Promise<Map<string, number>> {
  if (taskIds.length === 0) return new Map();
  const rows = await db.select({ taskId: tables.assets.taskId, n: sql<string>`count(*)` }).from(tables.assets)
    .where(sql`${inArray(tables.assets.taskId, [...taskIds])} and exists (select 1 from slot_history h where h.asset_id = ${tables.assets.id})`)
    .groupBy(tables.assets.taskId);
  return new Map(rows.map((r) => [r.taskId!, Number(r.n)]));
}

/**
 * Per task: images live in a shop. A farm that rolls images out through live pointers (A/B experiments, promotions,
 * manual moves) counts the outputs a pointer has named; a farm that has never set a live pointer has no such
 * measure, and counts what designers approved instead, saying so in `source` (the page labels it).
 */
export async function liveImagesByTask(db: Db, taskIds: readonly string[]): Promise<{ source: LiveSource; counts: Map<string, number> }> {
  const [anyPointer] = await db.select({ id: tables.slotHistory.id }).from(tables.slotHistory).limit(1);
  if (anyPointer) return { source: 'live-pointers', counts: await liveImagesFromPointers(db, taskIds) };
  return { source: 'approved', counts: await approvedImagesByTask(db, taskIds) };
}
