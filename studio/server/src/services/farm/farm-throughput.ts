import { and, gte, inArray, sql } from 'drizzle-orm';
import type { ThroughputBucket } from '@shotfarm/shared';
import { tables, type Db } from '@shotfarm/shared/db';

/** The farm page's chart: the last hour in 5-minute buckets. */
export const throughputBucketMinutes = 5;
export const throughputBuckets = 12;

const finishedStatuses = ['succeeded', 'failed', 'canceled'] as const;

/**
 * Tasks finished per bucket, oldest bucket first, the last one being the bucket `now` falls in. Buckets sit
 * on wall-clock 5-minute boundaries so a refresh moves the chart by whole buckets instead of shifting every bar.
 */
export async function taskThroughput(db: Db, now: Date = new Date()): Promise<ThroughputBucket[]> {
  const bucketMs = throughputBucketMinutes * 60_000;
  const lastStart = Math.floor(now.getTime() / bucketMs) * bucketMs;
  const firstStart = lastStart - (throughputBuckets - 1) * bucketMs;
  const bucketExpr = sql<number>`floor(extract(epoch from ${tables.tasks.finishedAt}) * 1000 / ${sql.raw(String(bucketMs))})::bigint`;
  const rows = await db.select({ bucket: bucketExpr, status: tables.tasks.status, n: sql<number>`count(*)::int` })
    .from(tables.tasks)
    .where(and(gte(tables.tasks.finishedAt, new Date(firstStart)), inArray(tables.tasks.status, [...finishedStatuses])))
    .groupBy(bucketExpr, tables.tasks.status);
  const buckets = Array.from({ length: throughputBuckets }, (_, i) => ({
    start: new Date(firstStart + i * bucketMs).toISOString(), succeeded: 0, failed: 0, canceled: 0,
  }));
  for (const r of rows) {
    const i = Number(r.bucket) - firstStart / bucketMs;
    const b = buckets[i];
    if (b && (finishedStatuses as readonly string[]).includes(r.status)) b[r.status as (typeof finishedStatuses)[number]] += Number(r.n);
  }
  return buckets;
}
