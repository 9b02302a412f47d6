import { and, gte, lt } from 'drizzle-orm';
import type { CostGroupBy, CostRollup } from '@shotfarm/shared';
import { rollUp, type RollupLine } from '@shotfarm/shared/costs';
import { tables, type Db } from '@shotfarm/shared/db';
import { approvedImagesByTask, liveImagesByTask } from './live-images.ts';

/** The default window of `GET /api/costs`: the last 30 days. */
export const defaultWindowMs = 30 * 86_400_000;

/** Parse `from`/`to` (a date is midnight UTC); `to` defaults to now, `from` to 30 days before it. */
export function windowOf(from: string | undefined, to: string | undefined, now = new Date()): { from: Date; to: Date } {
  const end = to ? new Date(to) : now;
  const start = from ? new Date(from) : new Date(end.getTime() - defaultWindowMs);
  return { from: start, to: end };
}

/**
 * Roll the ledger up for the costs API and page: the lines in the window, each attempt line carrying the approved
 * and live images of its task (only the succeeded run's line, so an image counts once), summed by `rollUp`.
 */
export async function costRollup(db: Db, groupBy: CostGroupBy, from: Date, to: Date): Promise<CostRollup> {
  const entries = await db.select().from(tables.costEntries)
    .where(and(gte(tables.costEntries.occurredAt, from), lt(tables.costEntries.occurredAt, to)));
  const succeededTasks = [...new Set(entries.filter((e) => e.outcome === 'succeeded' && e.taskId).map((e) => e.taskId!))];
  const approved = await approvedImagesByTask(db, succeededTasks);
  const live = await liveImagesByTask(db, succeededTasks);
  const lines: RollupLine[] = entries.map((e) => {
    const counted = e.outcome === 'succeeded' && e.taskId !== null;
    return {
      taskId: e.taskId, jobId: e.jobId, launchId: e.launchId, sku: e.sku, recipeId: e.recipeId, backend: e.backend, server: e.server,
      kind: e.kind, outcome: e.outcome, quantityMilli: e.quantityMilli, amountMilliFen: e.amountMilliFen, images: e.images,
      approved: counted ? approved.get(e.taskId!) ?? 0 : 0, live: counted ? live.counts.get(e.taskId!) ?? 0 : 0, occurredAt: e.occurredAt,
    };
  });
  const { rows, total } = rollUp(lines, groupBy);
  if (groupBy === 'day') rows.sort((a, b) => String(a.key).localeCompare(String(b.key)));
  return { currency: 'CNY', unit: 'milli-fen', groupBy, from: from.toISOString(), to: to.toISOString(), liveSource: live.source, rows, total };
}
