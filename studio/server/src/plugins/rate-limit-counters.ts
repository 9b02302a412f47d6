import type { Redis } from 'ioredis';
import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';

/** What a count answers: the requests counted in the caller's window so far (this one included) and the window's rest. */
export interface WindowCount { current: number; ttl: number }

export interface RateLimitCountersOptions {
  /** Prefix of the Redis keys (the queue prefix plus `:rate-limit:`). */
  keyPrefix: string;
  /** How long a replica counts on its own before adding its counts to Redis's. @defaultValue 50 */
  syncMs?: number;
  /** Told when a sync fails (Redis down or slow); the counts are kept and sent with the next sync. */
  onSyncError?: (err: unknown) => void;
}

/** One key's count in one window: what Redis last said (all replicas), and this replica's counts not yet in it. */
interface WindowEntry {
  redisKey: string;
  windowEndsAt: number;
  /** The shared total Redis answered at the last sync, this replica's synced counts included. */
  settled: number;
  /** Counted here since the last sync started. */
  pending: number;
  /** Sent in the sync now in flight, not yet answered. */
  inFlight: number;
}

/**
 * Rate-limit counters shared by API replicas through Redis, without a Redis round trip per request.
 *
 * @fastify/rate-limit's own Redis store runs a Lua call on every limited request; on the storefront's `/serve` that
 * was a second round trip beside the serving one, and with it the largest single cost of the request (profiled in the
 * storefront-serve benchmark). Here each replica counts in memory and adds its counts to Redis in one pipeline every
 * `syncMs` (INCRBY per key and window, which also answers the total of all replicas). A request is judged on the
 * last shared total plus this replica's counts since: exact within one replica, and across replicas late by at most
 * one sync interval — the overshoot is bounded by what the other replicas accept in `syncMs`. Windows are fixed and
 * aligned on the clock (key + window number), so replicas agree on them without talking. When Redis is down the
 * replica keeps limiting on its own counts instead of letting everything through, and sends them when it returns.
 */
export class RateLimitCounters {
  private readonly entries = new Map<string, WindowEntry>();
  private readonly syncMs: number;
  private timer: NodeJS.Timeout | undefined;
  private syncing: Promise<void> | undefined;
  private closed = false;

  constructor(private readonly redis: Redis, private readonly opts: RateLimitCountersOptions) {
    this.syncMs = opts.syncMs ?? 50;
  }

  /** Count `n` requests (0: only read) for `key` in its current window of `windowMs`. */
  count(key: string, windowMs: number, n = 1, now = Date.now()): WindowCount {
    const window = Math.floor(now / windowMs);
    const id = `${key}\u0000${windowMs}\u0000${window}`;
    let entry = this.entries.get(id);
    if (!entry) {
      entry = { redisKey: `${this.opts.keyPrefix}${key}:${windowMs}:${window}`, windowEndsAt: (window + 1) * windowMs, settled: 0, pending: 0, inFlight: 0 };
      this.entries.set(id, entry);
    }
    entry.pending += n;
    if (n > 0) this.scheduleSync();
    return { current: entry.settled + entry.inFlight + entry.pending, ttl: entry.windowEndsAt - now };
  }

  /** A store class for @fastify/rate-limit (it constructs the store itself) counting in these counters. */
  storeClass(): FastifyRateLimitStoreCtor {
    const count = this.count.bind(this);
    class BatchedStore implements FastifyRateLimitStore {
      constructor(_options?: unknown, readonly prefix = '') {}
      incr(key: string, callback: (error: Error | null, result?: WindowCount) => void, timeWindow: number): void {
        callback(null, count(this.prefix + key, timeWindow));
      }
      read(key: string, callback: (error: Error | null, result?: WindowCount) => void, timeWindow: number): void {
        callback(null, count(this.prefix + key, timeWindow, 0));
      }
      child(routeOptions: { method: string | string[]; url: string }): FastifyRateLimitStore {
        return new BatchedStore(undefined, `${this.prefix}${String(routeOptions.method)}${routeOptions.url}-`);
      }
    }
    return BatchedStore as unknown as FastifyRateLimitStoreCtor;
  }

  /** Add this replica's pending counts to Redis now and learn the shared totals (also run every `syncMs`). */
  async sync(now = Date.now()): Promise<void> {
    if (this.syncing) await this.syncing;
    this.syncing = this.syncOnce(now).finally(() => { this.syncing = undefined; });
    return this.syncing;
  }

  /** Send what is still pending and stop syncing. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    await this.sync().catch(() => undefined);
  }

  private scheduleSync(): void {
    if (this.timer || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.sync().catch((err) => this.opts.onSyncError?.(err));
    }, this.syncMs);
    this.timer.unref();
  }

  private async syncOnce(now: number): Promise<void> {
    const sending: WindowEntry[] = [];
    for (const [id, entry] of this.entries) {
      if (entry.pending > 0) {
        entry.inFlight = entry.pending;
        entry.pending = 0;
        sending.push(entry);
      } else if (entry.windowEndsAt <= now && entry.inFlight === 0) {
        this.entries.delete(id); // a finished window with nothing left to send
      }
    }
    if (sending.length === 0) return;
    const pipeline = this.redis.pipeline();
    for (const entry of sending) {
      pipeline.incrby(entry.redisKey, entry.inFlight);
      // Kept a little past the window's end, so a replica whose clock runs slightly behind still finds it.
      pipeline.pexpireat(entry.redisKey, entry.windowEndsAt + 5_000);
    }
    try {
      const results = await pipeline.exec();
      sending.forEach((entry, i) => {
        const [err, total] = results?.[2 * i] ?? [new Error('no answer')];
        if (err) entry.pending += entry.inFlight;
        else entry.settled = Number(total);
        entry.inFlight = 0;
      });
      const failed = results?.find(([err]) => err)?.[0];
      if (failed) throw failed;
    } catch (err) {
      for (const entry of sending) { entry.pending += entry.inFlight; entry.inFlight = 0; }
      this.scheduleSync();
      throw err;
    }
  }
}
