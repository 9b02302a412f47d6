import { eq, isNotNull, sql } from 'drizzle-orm';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Queue } from 'bullmq';
import { tables, type Db } from '@shotfarm/shared/db';
import type { JobEvent } from '@shotfarm/shared';
import { withTimeout } from './dependency-monitor.ts';

export interface FarmMetricsDeps {
  db: Db;
  queues: Record<string, Queue>;
  /** Longest a scrape waits on Redis or the database for one family; a family that times out is left out. */
  timeoutMs: number;
  log: { warn: (o: object, msg: string) => void };
}

/**
 * The API's Prometheus metrics, in a registry of its own (one per app: tests run several in a process). HTTP latency
 * and task outcomes are observed as they happen; queue depths, spend, GPU time and storefront counts are read at
 * scrape time from Redis and the database (bounded: a dependency that is down costs a scrape one family, not a hang).
 */
export class FarmMetrics {
  readonly registry = new Registry();
  readonly httpDuration: Histogram<'method' | 'route' | 'status_code'>;
  readonly taskDuration: Histogram<'recipe' | 'backend' | 'status'>;
  readonly taskFailures: Counter<'class' | 'backend'>;

  constructor(private readonly deps: FarmMetricsDeps) {
    const registers = [this.registry];
    this.httpDuration = new Histogram({
      name: 'shotfarm_http_request_duration_seconds', help: 'API request latency by route (the route pattern, not the URL)',
      labelNames: ['method', 'route', 'status_code'] as const, buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30], registers,
    });
    this.taskDuration = new Histogram({
      name: 'shotfarm_task_duration_seconds', help: 'Render time of finished tasks by recipe, backend and outcome',
      labelNames: ['recipe', 'backend', 'status'] as const, buckets: [0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 900], registers,
    });
    this.taskFailures = new Counter({
      name: 'shotfarm_task_failures_total', help: 'Tasks that failed for good, by error class (the SF_ code) and backend',
      labelNames: ['class', 'backend'] as const, registers,
    });
    const timeout = deps.timeoutMs;
    const guarded = async (family: string, fn: () => Promise<void>) => {
      try { await withTimeout(fn(), timeout, family); } catch (err) { deps.log.warn({ err, family }, 'metrics: a family was left out of this scrape'); }
    };

    const depth = new Gauge({ name: 'shotfarm_queue_jobs', help: 'BullMQ jobs per queue and state', labelNames: ['queue', 'state'] as const, registers,
      collect: () => guarded('queue depth', async () => {
        depth.reset();
        for (const [name, q] of Object.entries(deps.queues)) {
          const counts = await q.getJobCounts('wait', 'prioritized', 'active', 'delayed', 'failed', 'waiting-children');
          for (const [state, n] of Object.entries(counts)) depth.set({ queue: name, state }, n);
        }
      }) });
    const oldest = new Gauge({ name: 'shotfarm_queue_oldest_waiting_seconds', help: 'Age of the oldest job waiting in each queue (0 when none waits)', labelNames: ['queue'] as const, registers,
      collect: () => guarded('queue age', async () => {
        for (const [name, q] of Object.entries(deps.queues)) {
          const waiting = await q.getJobCountByTypes('wait');
          // BullMQ pushes new jobs on the left of the wait list: the oldest is the last one.
          const [job] = waiting > 0 ? await q.getWaiting(waiting - 1, waiting - 1) : [];
          const prioritized = await q.getPrioritized(0, 0);
          const stamps = [job?.timestamp, prioritized[0]?.timestamp].filter((t): t is number => typeof t === 'number');
          oldest.set({ queue: name }, stamps.length ? Math.max(0, (Date.now() - Math.min(...stamps)) / 1000) : 0);
        }
      }) });
    const spend = new Gauge({ name: 'shotfarm_spend_milli_fen', help: 'Spend recorded in the cost ledger, milli-fen (1 fen = 1,000), by backend and kind', labelNames: ['backend', 'kind'] as const, registers,
      collect: () => guarded('spend', async () => {
        const rows = await deps.db.select({ backend: tables.costEntries.backend, kind: tables.costEntries.kind, total: sql<string>`coalesce(sum(${tables.costEntries.amountMilliFen}), 0)` })
          .from(tables.costEntries).groupBy(tables.costEntries.backend, tables.costEntries.kind);
        spend.reset();
        for (const r of rows) spend.set({ backend: r.backend, kind: r.kind }, Number(r.total));
      }) });
    const gpu = new Gauge({ name: 'shotfarm_gpu_seconds', help: 'Metered GPU time per server: busy (rendering, charged per GPU-second) and idle (up but not rendering)', labelNames: ['server', 'state'] as const, registers,
      collect: () => guarded('gpu time', async () => {
        const rows = await deps.db.select({ server: tables.costEntries.server, kind: tables.costEntries.kind, ms: sql<string>`coalesce(sum(${tables.costEntries.quantityMilli}), 0)` })
          .from(tables.costEntries).where(isNotNull(tables.costEntries.server)).groupBy(tables.costEntries.server, tables.costEntries.kind);
        gpu.reset();
        for (const r of rows) {
          if (r.kind === 'gpu-seconds') gpu.set({ server: r.server!, state: 'busy' }, Number(r.ms) / 1000);
          else if (r.kind === 'idle') gpu.set({ server: r.server!, state: 'idle' }, Number(r.ms) / 1000);
        }
      }) });
    const storefront = new Gauge({ name: 'shotfarm_storefront_events', help: 'Storefront serves (assignments), impressions and clicks counted by experiments (flushed to the database)', labelNames: ['event'] as const, registers,
      collect: () => guarded('storefront', async () => {
        const [row] = await deps.db.select({
          assignments: sql<string>`coalesce(sum(${tables.experimentCounts.assignments}), 0)`,
          impressions: sql<string>`coalesce(sum(${tables.experimentCounts.impressions}), 0)`,
          clicks: sql<string>`coalesce(sum(${tables.experimentCounts.clicks}), 0)`,
        }).from(tables.experimentCounts);
        storefront.set({ event: 'serve' }, Number(row?.assignments ?? 0));
        storefront.set({ event: 'impression' }, Number(row?.impressions ?? 0));
        storefront.set({ event: 'click' }, Number(row?.clicks ?? 0));
      }) });
  }

  /** A task finished (from the job event bus): observe its render time and, if it failed, its error class. */
  async observeTaskDone(e: Extract<JobEvent, { type: 'task-done' }>): Promise<void> {
    const [row] = await this.deps.db.select({ renderMs: tables.tasks.renderMs, backend: tables.tasks.backend, errorCode: tables.tasks.errorCode, recipe: tables.jobs.recipeId })
      .from(tables.tasks).innerJoin(tables.jobs, eq(tables.tasks.jobId, tables.jobs.id)).where(eq(tables.tasks.id, e.taskId));
    if (!row) return;
    const backend = row.backend ?? 'unknown';
    if (row.renderMs !== null) this.taskDuration.observe({ recipe: row.recipe, backend, status: e.status }, row.renderMs / 1000);
    if (e.status === 'failed') this.taskFailures.inc({ class: row.errorCode ?? 'SF_UNKNOWN', backend });
  }
}
