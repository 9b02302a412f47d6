import { and, asc, desc, eq, inArray } from 'drizzle-orm';
import { tables, type Db } from '@shotfarm/shared/db';
import type { Storage } from '@shotfarm/shared/storage';

/** An image a recipe really made on this farm, for its card: better than a stock picture, and honest. */
export interface RecipeSample {
  url: string;
  thumbnailUrl: string | null;
}

/**
 * The first output of each recipe's newest succeeded job. One small query per recipe: the jobs table is read
 * newest first and stops at the first match, so a farm with a long history answers as fast as a new one.
 */
export async function recipeSamples(db: Db, storage: Storage, recipeIds: readonly string[]): Promise<Map<string, RecipeSample>> {
  const found = await Promise.all(recipeIds.map(async (recipeId) => {
    const [job] = await db.select({ id: tables.jobs.id }).from(tables.jobs)
      .where(and(eq(tables.jobs.recipeId, recipeId), eq(tables.jobs.status, 'succeeded'))).orderBy(desc(tables.jobs.id)).limit(1);
    if (!job) return null;
    const [asset] = await db.select({ key: tables.assets.key, thumbKey: tables.assets.thumbKey, mime: tables.assets.mime }).from(tables.assets)
      .where(and(eq(tables.assets.jobId, job.id), eq(tables.assets.kind, 'output'), inArray(tables.assets.mime, ['image/jpeg', 'image/png', 'image/webp', 'video/mp4'])))
      .orderBy(asc(tables.assets.id)).limit(1);
    if (!asset) return null;
    const sample: RecipeSample = { url: await storage.signedUrl(asset.key), thumbnailUrl: asset.thumbKey ? await storage.signedUrl(asset.thumbKey) : null };
    return [recipeId, sample] as const;
  }));
  return new Map(found.filter((f) => f !== null));
}
