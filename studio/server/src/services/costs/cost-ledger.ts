import { and, eq, gte, inArray, lt, sql } from 'drizzle-orm';
import { newId } from '@shotfarm/shared';
import type { PriceOverrides } from '@shotfarm/shared/costs';
import { tables, type Db } from '@shotfarm/shared/db';
import type { BackendId, Recipe } from '@shotfarm/workflows';
import type { DbOrTx } from '../jobs/job-event-log.ts';
import type { Pricing } from '../recipes/recipe-estimate.ts';
import { chargeAttempt } from './attempt-charge.ts';
import type { PriceBookStore } from './price-book-store.ts';

type TaskRow = typeof tables.tasks.$inferSelect;

/** The ledger key of a task attempt: one line per task and run (a person's retry is a new run), so a replay charges once. */
export const attemptKey = (taskId: string, run: number): string => `attempt:${taskId}:${run}`;

export interface CostLedgerDeps {
  prices: PriceBookStore;
  recipes: ReadonlyMap<string, Recipe>;
  /** Pricing context beyond the book: the environment's overrides and the configured ComfyUI servers. */
  pricing: () => Omit<Pricing, 'book'>;
}

/**
 * Writes the cost ledger: exactly one line per task attempt that ended (succeeded, failed, canceled), written in
 * the same transaction that records the outcome, keyed by task and run so a replayed event, the reconciler or a
 * second replica changes nothing the second time.
 */
export class CostLedger {
  constructor(private readonly db: Db, private readonly deps: CostLedgerDeps) {}

  /** Charge a task's finished run (call inside the transaction that recorded its outcome). */
  async recordAttempt(tx: DbOrTx, task: TaskRow, outcome: 'succeeded' | 'failed' | 'canceled', images: number): Promise<void> {
    const [job] = await tx.select({ recipeId: tables.jobs.recipeId, launchId: tables.jobs.launchId, sku: tables.jobs.sku })
      .from(tables.jobs).where(eq(tables.jobs.id, task.jobId));
    if (!job) return;
    const recipe = this.deps.recipes.get(job.recipeId);
    const backend = (task.backend ?? recipe?.backend ?? 'local') as BackendId;
    const priced = this.deps.prices.current;
    const pricing: Pricing = { book: priced.content, ...this.deps.pricing() };
    const charge = chargeAttempt({
      outcome, backend, recipe, usage: task.usage, renderMs: task.renderMs, startedAt: task.startedAt, finishedAt: task.finishedAt ?? new Date(), images,
    }, priced.content, pricing, pricing.overrides);
    await tx.insert(tables.costEntries).values({
      id: newId(), entryKey: attemptKey(task.id, task.retries), jobId: task.jobId, taskId: task.id, run: task.retries, outcome,
      backend, server: charge.server, gpu: charge.gpu, recipeId: job.recipeId, launchId: job.launchId, sku: job.sku,
      kind: charge.kind, quantityMilli: charge.quantityMilli, images, priceBookVersion: priced.version,
      amountMilliFen: charge.amountMilliFen, occurredAt: task.finishedAt ?? new Date(),
    }).onConflictDoNothing({ target: tables.costEntries.entryKey });
  }

  /** Charge the runs of canceled tasks that had started (a task canceled while queued ran nothing and costs nothing). */
  async recordCanceled(tx: DbOrTx, taskIds: readonly string[]): Promise<void> {
    if (taskIds.length === 0) return;
    const rows = await tx.select().from(tables.tasks).where(inArray(tables.tasks.id, [...taskIds]));
    for (const row of rows) if (row.startedAt) await this.recordAttempt(tx, row, 'canceled', 0);
  }

  /** What a job has spent so far (every run, every kind). */
  async spentByJob(jobId: string): Promise<number> {
    const [row] = await this.db.select({ sum: sql<string | null>`sum(${tables.costEntries.amountMilliFen})` })
      .from(tables.costEntries).where(eq(tables.costEntries.jobId, jobId));
    return Number(row?.sum ?? 0);
  }

  /** The dearest attempt of a job so far: the budget gate's guess at the next one's cost. */
  async dearestAttempt(jobId: string): Promise<number> {
    const [row] = await this.db.select({ max: sql<string | null>`max(${tables.costEntries.amountMilliFen})` })
      .from(tables.costEntries).where(and(eq(tables.costEntries.jobId, jobId), sql`${tables.costEntries.entryKey} like 'attempt:%'`));
    return Number(row?.max ?? 0);
  }

  /** The organisation's spend in one UTC day. */
  async spentOnDay(day: Date): Promise<number> {
    const start = new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate()));
    const end = new Date(start.getTime() + 86_400_000);
    const [row] = await this.db.select({ sum: sql<string | null>`sum(${tables.costEntries.amountMilliFen})` })
      .from(tables.costEntries).where(and(gte(tables.costEntries.occurredAt, start), lt(tables.costEntries.occurredAt, end)));
    return Number(row?.sum ?? 0);
  }

  get overrides(): PriceOverrides {
    return this.deps.pricing().overrides;
  }
}
