import { and, eq, gte, inArray, lt, sql } from 'drizzle-orm';
import { newId } from '@shotfarm/shared';
import type { ComfyServerReading } from '@shotfarm/shared/comfyui';
import { chargeForStorage, comfyRate, splitProportionally, spreadIdle, type PriceOverrides } from '@shotfarm/shared/costs';
import type { ComfyServerSpec } from '@shotfarm/shared/config';
import { tables, type Db } from '@shotfarm/shared/db';
import type { PriceBookStore } from './price-book-store.ts';

const hourMs = 3_600_000;
const dayMs = 86_400_000;
const hourStart = (t: number): number => Math.floor(t / hourMs) * hourMs;

export interface UsageMeterDeps {
  db: Db;
  prices: PriceBookStore;
  overrides: () => PriceOverrides;
  servers: readonly ComfyServerSpec[];
  /** The ComfyUI servers' health (the farm page's probe). */
  readHealth: () => Promise<ComfyServerReading[]>;
  log: { error: (o: object, msg: string) => void };
}

/**
 * The ledger's time-based lines. Idle: every health check adds the time since the last one to each server that is
 * up, per hour; once an hour has closed, its idle time (up minus rendering) is charged at the server's rate and
 * spread over the images it made that hour. Storage: once a UTC day has closed, every stored byte is charged for
 * it, by job. Both are keyed (server-hour-job, day-job), so a second pass or a second replica charges nothing more.
 * Healthy time lives in memory: a restart loses at most the current hour's observation, never charges it twice.
 */
export class UsageMeters {
  readonly #healthyMs = new Map<string, Map<number, number>>();
  #lastSample: number | undefined;
  #timer: NodeJS.Timeout | undefined;
  #storageMetered: number | undefined;

  constructor(private readonly deps: UsageMeterDeps) {}

  start(intervalMs: number): void {
    this.#timer = setInterval(() => { this.tick().catch((err: unknown) => this.deps.log.error({ err }, 'metering idle and storage failed')); }, intervalMs);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  /** One pass: sample health, charge closed hours' idle time and yesterday's storage. */
  async tick(now = Date.now()): Promise<void> {
    if (this.deps.servers.length > 0) this.observe(await this.deps.readHealth(), now);
    await this.closeHours(now);
    const yesterday = Math.floor(now / dayMs) * dayMs - dayMs;
    if (this.#storageMetered !== yesterday) {
      await this.meterStorageDay(new Date(yesterday));
      this.#storageMetered = yesterday;
    }
  }

  /** Credit each server that is up with the time since the previous observation (at most one hour: a long gap is not assumed healthy). */
  observe(readings: readonly ComfyServerReading[], now: number): void {
    const since = this.#lastSample ?? now;
    this.#lastSample = now;
    const elapsed = Math.min(now - since, hourMs);
    if (elapsed <= 0) return;
    for (const r of readings) {
      if (r.state !== 'up') continue;
      const hours = this.#healthyMs.get(r.name) ?? new Map<number, number>();
      // Split an interval that crosses an hour boundary between the two hours.
      let t = now - elapsed;
      while (t < now) {
        const h = hourStart(t);
        const end = Math.min(now, h + hourMs);
        hours.set(h, (hours.get(h) ?? 0) + (end - t));
        t = end;
      }
      this.#healthyMs.set(r.name, hours);
    }
  }

  /** Charge every observed hour that has ended. */
  async closeHours(now: number): Promise<void> {
    for (const [server, hours] of this.#healthyMs) {
      for (const [h, healthyMs] of [...hours]) {
        if (h + hourMs > now) continue;
        await this.meterIdleHour(server, h, healthyMs);
        hours.delete(h);
      }
    }
  }

  /** Charge one server-hour's idle time, spread over the jobs whose images the server made that hour. */
  async meterIdleHour(serverName: string, hour: number, healthyMs: number): Promise<void> {
    const { db } = this.deps;
    const from = new Date(hour);
    const to = new Date(hour + hourMs);
    const inHour = and(eq(tables.costEntries.server, serverName), gte(tables.costEntries.occurredAt, from), lt(tables.costEntries.occurredAt, to),
      eq(tables.costEntries.kind, 'gpu-seconds'));
    const rows = await db.select({ jobId: tables.costEntries.jobId, busy: sql<string>`sum(${tables.costEntries.quantityMilli})`, images: sql<string>`sum(${tables.costEntries.images})` })
      .from(tables.costEntries).where(inHour).groupBy(tables.costEntries.jobId);
    const busyMs = rows.reduce((s, r) => s + Number(r.busy), 0);
    const spec = this.deps.servers.find((s) => s.name === serverName);
    const priced = this.deps.prices.current;
    const rate = comfyRate(priced.content, { name: serverName, ...(spec?.gpu ? { gpu: spec.gpu } : {}), ...(spec?.fenPerHour ? { fenPerHour: spec.fenPerHour } : {}) }, this.deps.overrides());
    const shares = spreadIdle({
      healthyMs, busyMs, milliFenPerHour: rate.basis === 'per-hour' ? rate.milliFenPerHour : 0,
      imagesByJob: new Map(rows.filter((r) => r.jobId).map((r) => [r.jobId!, Number(r.images)])),
    });
    if (shares.length === 0) return;
    const jobs = shares.some((s) => s.jobId) ? await db.select({ id: tables.jobs.id, recipeId: tables.jobs.recipeId, launchId: tables.jobs.launchId, sku: tables.jobs.sku })
      .from(tables.jobs).where(inArray(tables.jobs.id, shares.filter((s) => s.jobId).map((s) => s.jobId!))) : [];
    const jobById = new Map(jobs.map((j) => [j.id, j]));
    await db.insert(tables.costEntries).values(shares.map((s) => {
      const job = s.jobId ? jobById.get(s.jobId) : undefined;
      return {
        id: newId(), entryKey: `idle:${serverName}:${from.toISOString()}:${s.jobId ?? 'none'}`, jobId: job ? s.jobId : null, taskId: null, run: null, outcome: null,
        backend: 'comfyui', server: serverName, gpu: spec?.gpu ?? null, recipeId: job?.recipeId ?? null, launchId: job?.launchId ?? null, sku: job?.sku ?? null,
        kind: 'idle' as const, quantityMilli: s.idleMs, images: 0, priceBookVersion: priced.version, amountMilliFen: s.amountMilliFen,
        occurredAt: new Date(hour + hourMs - 1),
      };
    })).onConflictDoNothing({ target: tables.costEntries.entryKey });
  }

  /** Charge one UTC day of storage: every stored byte, split by job (uploads and other job-less objects as one line). */
  async meterStorageDay(day: Date): Promise<void> {
    const { db } = this.deps;
    const start = Math.floor(day.getTime() / dayMs) * dayMs;
    const end = new Date(start + dayMs);
    const rows = await db.select({ jobId: tables.assets.jobId, bytes: sql<string>`sum(${tables.assets.bytes})` }).from(tables.assets)
      .where(lt(tables.assets.createdAt, end)).groupBy(tables.assets.jobId);
    const priced = this.deps.prices.current;
    const perGbMonth = priced.content.storagePerGbMonth.milliFen;
    const dayIso = new Date(start).toISOString().slice(0, 10);
    // One rounding for the whole day, then split by bytes: a thousand small jobs are not each rounded down to nothing.
    const totalBytes = rows.reduce((sum, r) => sum + Number(r.bytes), 0);
    const shares = splitProportionally(chargeForStorage(totalBytes, 1, perGbMonth), rows.map((r) => Number(r.bytes)));
    const lines = rows.map((r, i) => ({ jobId: r.jobId, bytes: Number(r.bytes), amount: shares[i]! })).filter((l) => l.amount > 0);
    if (lines.length === 0) return;
    await db.insert(tables.costEntries).values(lines.map((l) => ({
      id: newId(), entryKey: `storage:${dayIso}:${l.jobId ?? 'none'}`, jobId: l.jobId, taskId: null, run: null, outcome: null,
      backend: 'storage', server: null, gpu: null, recipeId: null, launchId: null, sku: null,
      kind: 'storage' as const, quantityMilli: l.bytes, images: 0, priceBookVersion: priced.version, amountMilliFen: l.amount, occurredAt: new Date(start + dayMs - 1),
    }))).onConflictDoNothing({ target: tables.costEntries.entryKey });
  }
}
