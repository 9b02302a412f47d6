import { and, asc, eq, gt } from 'drizzle-orm';
import { JobEvent } from '@shotfarm/shared';
import { tables, type Db } from '@shotfarm/shared/db';

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
export type DbOrTx = Db | Tx;

/** An event to append; `dedupeKey` makes a replayed append a no-op. */
export type NewJobEvent = { dedupeKey: string } & (
  | { type: 'task-progress'; jobId: string; taskId: string; progress: number; stage: string }
  | { type: 'task-done'; jobId: string; taskId: string; status: string; outputAssetIds: string[] }
  | { type: 'job-done'; jobId: string; status: string }
  | { type: 'job-retried'; jobId: string; taskIds: string[]; retries: number }
);

/** Append events (inside the caller's transaction); returns only those newly written, ready to publish. */
export async function appendJobEvents(tx: DbOrTx, events: NewJobEvent[]): Promise<JobEvent[]> {
  if (events.length === 0) return [];
  const rows = await tx.insert(tables.jobEvents)
    .values(events.map(({ dedupeKey, ...e }) => ({ jobId: e.jobId, type: e.type, data: e as Record<string, unknown>, dedupeKey })))
    .onConflictDoNothing({ target: tables.jobEvents.dedupeKey })
    .returning();
  return rows.map(toJobEvent);
}

/** Every event of a job after `afterSeq`, in order: what a reconnecting SSE client missed. */
export async function jobEventsAfter(db: Db, jobId: string, afterSeq: number): Promise<JobEvent[]> {
  const rows = await db.select().from(tables.jobEvents)
    .where(and(eq(tables.jobEvents.jobId, jobId), gt(tables.jobEvents.id, afterSeq)))
    .orderBy(asc(tables.jobEvents.id));
  return rows.map(toJobEvent);
}

function toJobEvent(row: typeof tables.jobEvents.$inferSelect): JobEvent {
  return JobEvent.parse({ ...row.data, seq: row.id });
}
