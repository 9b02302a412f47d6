import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import { medianOf } from '@shotfarm/shared/costs';
import { tables, type Db } from '@shotfarm/shared/db';

/** How many recent successful runs the running median looks at. */
export const timingWindow = 51;

/**
 * Measured seconds per run of each recipe × backend, from the ledger: the running median of the latest successful
 * attempts (busy time, not queueing). Estimates use it in place of the recipe's own guess once it exists.
 */
export class RecipeTimings {
  constructor(private readonly db: Db) {}

  async medianSeconds(recipeId: string, backend: string): Promise<number | null> {
    const rows = await this.db.select({ ms: tables.costEntries.quantityMilli }).from(tables.costEntries)
      .where(and(eq(tables.costEntries.recipeId, recipeId), eq(tables.costEntries.backend, backend), eq(tables.costEntries.outcome, 'succeeded'),
        inArray(tables.costEntries.kind, ['gpu-seconds', 'cpu-seconds'])))
      .orderBy(desc(tables.costEntries.occurredAt)).limit(timingWindow);
    const ms = medianOf(rows.map((r) => r.ms));
    return ms === null ? null : ms / 1000;
  }

  /** Images scored and images that passed a gate, per recipe: the router's pass-rate history. */
  async gateHistory(recipeIds: readonly string[]): Promise<Map<string, { scored: number; passed: number }>> {
    if (recipeIds.length === 0) return new Map();
    const rows = await this.db.select({
      recipeId: tables.jobs.recipeId,
      scored: sql<string>`count(*)`,
      passed: sql<string>`count(*) filter (where jsonb_array_length(${tables.scores.gatesPassed}) > 0)`,
    }).from(tables.scores)
      .innerJoin(tables.assets, eq(tables.scores.assetId, tables.assets.id))
      .innerJoin(tables.jobs, eq(tables.assets.jobId, tables.jobs.id))
      .where(inArray(tables.jobs.recipeId, [...recipeIds])).groupBy(tables.jobs.recipeId);
    return new Map(rows.map((r) => [r.recipeId, { scored: Number(r.scored), passed: Number(r.passed) }]));
  }

  /** Per recipe: what its jobs were estimated to cost against what the ledger holds for them (the estimate's accuracy). */
  async estimateAccuracy(from: Date, to: Date): Promise<{ recipeId: string; jobs: number; estimate: number; actual: number; actualPerMilleOfEstimate: number | null }[]> {
    const rows = await this.db.select({
      recipeId: tables.jobs.recipeId,
      jobs: sql<string>`count(*)`,
      estimate: sql<string>`coalesce(sum(${tables.jobs.estimateMilliFen}), 0)`,
      // Written out in full: drizzle leaves a column unqualified in a one-table select, which the subquery would read as its own.
      actual: sql<string>`coalesce(sum((select sum(c.amount_milli_fen) from cost_entries c where c.job_id = "jobs"."id" and c.entry_key like 'attempt:%')), 0)`,
    }).from(tables.jobs)
      .where(and(sql`${tables.jobs.createdAt} >= ${from.toISOString()}`, sql`${tables.jobs.createdAt} < ${to.toISOString()}`, sql`${tables.jobs.estimateMilliFen} is not null`))
      .groupBy(tables.jobs.recipeId);
    return rows.map((r) => {
      const estimate = Number(r.estimate);
      const actual = Number(r.actual);
      return { recipeId: r.recipeId, jobs: Number(r.jobs), estimate, actual, actualPerMilleOfEstimate: estimate > 0 ? Math.round((actual * 1000) / estimate) : null };
    }).sort((a, b) => b.actual - a.actual);
  }
}
