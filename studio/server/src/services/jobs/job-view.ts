import { and, asc, desc, eq, inArray, lt, sql } from 'drizzle-orm';
import type { JobListQuery, JobList, JobSummary, JobView, Task } from '@shotfarm/shared';
import { tables, type Db } from '@shotfarm/shared/db';
import type { Storage } from '@shotfarm/shared/storage';

type JobRow = typeof tables.jobs.$inferSelect;
type TaskRow = typeof tables.tasks.$inferSelect;

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

export function toTask(row: TaskRow): Task {
  return {
    id: row.id, jobId: row.jobId, index: row.index, status: row.status, progress: row.progress,
    params: row.params, seed: row.seed, attempts: row.attempts, retries: row.retries,
    error: row.errorCode ? { code: row.errorCode, message: row.errorMessage ?? '' } : null,
    backend: row.backend, usage: row.usage,
    startedAt: iso(row.startedAt), finishedAt: iso(row.finishedAt),
  };
}

/** Job progress: the mean of its tasks', a finished task counting as 1. */
export function jobProgress(tasks: Pick<TaskRow, 'status' | 'progress'>[]): number {
  if (tasks.length === 0) return 0;
  const sum = tasks.reduce((s, t) => s + (t.status === 'queued' || t.status === 'running' ? t.progress : 1), 0);
  return Math.min(1, sum / tasks.length);
}

function toSummary(row: JobRow, progress: number): JobSummary {
  return {
    id: row.id, type: row.type, status: row.status,
    recipe: { id: row.recipeId, version: row.recipeVersion, ...(row.trial ? { trial: row.trial.manifestSha256 } : {}) },
    progress, variants: row.variants, priority: row.priority, retries: row.retries, params: row.params, inputs: row.inputs,
    ...(row.sweep ? { sweep: row.sweep } : {}),
    ...(row.trial ? { trial: row.trial } : {}),
    ...(row.errorCode ? { error: { code: row.errorCode, message: row.errorMessage ?? '' } } : {}),
    createdAt: row.createdAt.toISOString(), finishedAt: iso(row.finishedAt),
  };
}

/** The job as the API shows it, with signed URLs for every output; `null` when it does not exist. */
export async function loadJobView(db: Db, storage: Storage, jobId: string): Promise<JobView | null> {
  const [job] = await db.select().from(tables.jobs).where(eq(tables.jobs.id, jobId));
  if (!job) return null;
  const taskRows = await db.select().from(tables.tasks).where(eq(tables.tasks.jobId, jobId)).orderBy(asc(tables.tasks.index));
  const outputRows = await db.select().from(tables.assets)
    .where(and(eq(tables.assets.jobId, jobId), eq(tables.assets.kind, 'output'))).orderBy(asc(tables.assets.createdAt), asc(tables.assets.id));
  // Outputs in variant order, as the designer asked for them, not in the order workers happened to finish.
  const variantOf = new Map(taskRows.map((t) => [t.id, t.index]));
  outputRows.sort((a, b) => (variantOf.get(a.taskId ?? '') ?? 0) - (variantOf.get(b.taskId ?? '') ?? 0));
  const outputs = await Promise.all(outputRows.map(async (a) => ({
    assetId: a.id, taskId: a.taskId ?? '', url: await storage.signedUrl(a.key),
    thumbnailUrl: a.thumbKey ? await storage.signedUrl(a.thumbKey) : null,
    width: a.width, height: a.height, mime: a.mime, params: a.params ?? {},
  })));
  const [spent] = await db.select({ sum: sql<string | null>`sum(${tables.costEntries.amountMilliFen})` }).from(tables.costEntries).where(eq(tables.costEntries.jobId, jobId));
  return {
    ...toSummary(job, jobProgress(taskRows)), tasks: taskRows.map(toTask), outputs,
    cost: { estimate: job.estimateMilliFen, actual: Number(spent?.sum ?? 0), budget: job.budgetMilliFen },
    ...(job.routing ? { routing: job.routing } : {}),
  };
}

/** Newest first, cursor-paged by id (UUIDv7 ids sort by creation time); each with its output count and first thumbnail. */
export async function listJobs(db: Db, query: JobListQuery, storage?: Storage): Promise<JobList> {
  const filters = [
    query.status ? eq(tables.jobs.status, query.status) : undefined,
    query.type ? eq(tables.jobs.type, query.type) : undefined,
    query.cursor ? lt(tables.jobs.id, query.cursor) : undefined,
  ].filter((f) => f !== undefined);
  const rows = await db.select().from(tables.jobs).where(and(...filters)).orderBy(desc(tables.jobs.id)).limit(query.limit + 1);
  const page = rows.slice(0, query.limit);
  const taskRows = page.length === 0 ? [] : await db.select({ jobId: tables.tasks.jobId, status: tables.tasks.status, progress: tables.tasks.progress })
    .from(tables.tasks).where(inArray(tables.tasks.jobId, page.map((j) => j.id)));
  const outputRows = page.length === 0 ? [] : await db.select({ jobId: tables.assets.jobId, key: tables.assets.key, thumbKey: tables.assets.thumbKey })
    .from(tables.assets).where(and(inArray(tables.assets.jobId, page.map((j) => j.id)), eq(tables.assets.kind, 'output')))
    .orderBy(asc(tables.assets.createdAt), asc(tables.assets.id));
  const items = await Promise.all(page.map(async (j) => {
    const outputs = outputRows.filter((o) => o.jobId === j.id);
    const first = outputs[0];
    const thumbnailUrl = first && storage ? await storage.signedUrl(first.thumbKey ?? first.key) : null;
    return { ...toSummary(j, jobProgress(taskRows.filter((t) => t.jobId === j.id))), outputCount: outputs.length, thumbnailUrl };
  }));
  return { items, nextCursor: rows.length > query.limit ? page[page.length - 1]!.id : null };
}
