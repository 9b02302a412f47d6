import { and, desc, eq, lt } from 'drizzle-orm';
import type { AssetList, AssetListQuery } from '@shotfarm/shared';
import { tables, type Db } from '@shotfarm/shared/db';
import type { Storage } from '@shotfarm/shared/storage';
import { toAssetView } from '../routes/assets.ts';

/**
 * The asset library, newest first, cursor-paged by id like `listJobs`: UUIDv7 ids sort by creation time, so
 * a page boundary never shifts when new assets arrive while a designer scrolls.
 */
export async function listAssets(db: Db, storage: Storage, query: AssetListQuery): Promise<AssetList> {
  const filters = [
    query.kind ? eq(tables.assets.kind, query.kind) : undefined,
    query.jobId ? eq(tables.assets.jobId, query.jobId) : undefined,
    query.cursor ? lt(tables.assets.id, query.cursor) : undefined,
  ].filter((f) => f !== undefined);
  const rows = await db.select({ asset: tables.assets, recipeId: tables.jobs.recipeId, recipeVersion: tables.jobs.recipeVersion })
    .from(tables.assets).leftJoin(tables.jobs, eq(tables.assets.jobId, tables.jobs.id))
    .where(and(...filters)).orderBy(desc(tables.assets.id)).limit(query.limit + 1);
  const page = rows.slice(0, query.limit);
  return {
    items: await Promise.all(page.map(async (r) => ({
      ...(await toAssetView(storage, r.asset)),
      recipe: r.recipeId !== null && r.recipeVersion !== null ? { id: r.recipeId, version: r.recipeVersion } : null,
    }))),
    nextCursor: rows.length > query.limit ? page[page.length - 1]!.asset.id : null,
  };
}
