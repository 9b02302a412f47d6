import { tables, type Db } from '@shotfarm/shared/db';
import type { Storage } from '@shotfarm/shared/storage';
import type { IdempotencyStore } from '../requests/idempotency.ts';

/** Prefixes whose objects exist only for an `assets` row (the key or its thumbnail): anything else there is an orphan. */
export const rowBackedPrefixes = ['uploads/', 'outputs/', 'thumbs/'] as const;
/** Imported recipe drafts: no row points to them; they expire by age. */
export const draftPrefix = 'recipes/drafts/';

export interface StorageSweepReport {
  /** Objects under a row-backed prefix that no row pointed to, older than the grace period, deleted. */
  orphansRemoved: string[];
  /** Recipe drafts older than the draft TTL, deleted. */
  draftsRemoved: string[];
  /** Idempotency answers older than 24 h, deleted. */
  idempotencyKeysExpired: number;
  /** Objects looked at. */
  scanned: number;
}

export interface StorageSweepOptions {
  /** Objects younger than this are never deleted: a render may have written them and not yet reported. */
  graceS: number;
  draftTtlS: number;
}

/**
 * Deletes what no one can reach any more: files whose task was canceled or whose row was never written (a crash
 * between a worker's put and the manager's record), drafts nobody published, expired idempotency answers. Runs on a
 * timer (STORAGE_SWEEP_INTERVAL_MS) and reports what it removed; a pass in flight is shared by concurrent callers.
 */
export class StorageSweep {
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<StorageSweepReport> | undefined;

  constructor(private readonly db: Db, private readonly storage: Storage, private readonly idempotency: IdempotencyStore,
    private readonly opts: StorageSweepOptions,
    private readonly log: { info: (o: object, msg: string) => void; error: (o: object, msg: string) => void }) {}

  start(intervalMs: number): void {
    this.#timer = setInterval(() => { this.sweep().catch((e: unknown) => this.log.error({ err: e }, 'storage sweep failed')); }, intervalMs);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  sweep(nowMs = Date.now()): Promise<StorageSweepReport> {
    this.#running ??= this.#pass(nowMs).finally(() => { this.#running = undefined; });
    return this.#running;
  }

  async #pass(nowMs: number): Promise<StorageSweepReport> {
    const report: StorageSweepReport = { orphansRemoved: [], draftsRemoved: [], idempotencyKeysExpired: 0, scanned: 0 };
    const candidates: string[] = [];
    for (const prefix of rowBackedPrefixes) candidates.push(...await this.storage.list(prefix));
    report.scanned += candidates.length;
    if (candidates.length > 0) {
      // Read after listing: an object listed before its row was committed is then found referenced, not deleted.
      const referenced = new Set<string>();
      for (const row of await this.db.select({ key: tables.assets.key, thumbKey: tables.assets.thumbKey }).from(tables.assets)) {
        referenced.add(row.key);
        if (row.thumbKey) referenced.add(row.thumbKey);
      }
      for (const key of candidates) {
        if (referenced.has(key)) continue;
        if (await this.#olderThan(key, nowMs - this.opts.graceS * 1000)) {
          await this.storage.delete(key);
          report.orphansRemoved.push(key);
        }
      }
    }
    const drafts = await this.storage.list(draftPrefix);
    report.scanned += drafts.length;
    for (const key of drafts) {
      if (await this.#olderThan(key, nowMs - this.opts.draftTtlS * 1000)) {
        await this.storage.delete(key);
        report.draftsRemoved.push(key);
      }
    }
    report.idempotencyKeysExpired = await this.idempotency.expire(nowMs);
    if (report.orphansRemoved.length + report.draftsRemoved.length + report.idempotencyKeysExpired > 0) {
      this.log.info({ orphansRemoved: report.orphansRemoved, draftsRemoved: report.draftsRemoved, idempotencyKeysExpired: report.idempotencyKeysExpired }, 'storage sweep removed unreferenced objects');
    }
    return report;
  }

  async #olderThan(key: string, cutoffMs: number): Promise<boolean> {
    const info = await this.storage.head(key);
    return info !== null && info.modifiedAt.getTime() < cutoffMs;
  }
}
