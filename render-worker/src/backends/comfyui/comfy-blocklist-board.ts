import type { Redis } from 'ioredis';
import type { ComfyBlocklistRecord } from '@shotfarm/shared';
import { comfyBlocklistKey, liveComfyBlocklistRecord } from '@shotfarm/shared/queue';
import type { ComfyBlocklistChange } from './comfy-server-pool.ts';

export interface ComfyBlocklistBoardOptions {
  /** A plain (non-blocking) client; the board never closes it. */
  redis: Redis;
  /** BullMQ key prefix shared with the manager. */
  prefix: string;
  /** This worker's name, as on task rows (`RenderWorker.name`). */
  worker: string;
  /** How often this worker rewrites its entries (the pool's health interval fits). @defaultValue 10_000 */
  refreshIntervalMs?: number;
  /** An entry not rewritten for this many refreshes belongs to a dead worker. @defaultValue 3 */
  staleAfterRefreshes?: number;
  /** Told when Redis cannot be written; the pool's blocklist works on regardless. @defaultValue console.error */
  onError?: (e: Error) => void;
}

const defaultRefreshIntervalMs = 10_000;
const defaultStaleAfterRefreshes = 3;

type Entry = Omit<ComfyBlocklistRecord, 'expiresAt'>;

/**
 * Publishes this worker's ComfyUI blocklist to Redis (`comfyBlocklistKey`) for the farm page: only the
 * pool in this process knows it. Each entry carries an `expiresAt` a few refreshes ahead and is rewritten
 * every refresh, so a killed worker's entries lapse; the hash itself expires when no worker writes any more.
 */
export class ComfyBlocklistBoard {
  readonly #redis: Redis;
  readonly #key: string;
  readonly #worker: string;
  readonly #refreshIntervalMs: number;
  readonly #staleAfterMs: number;
  readonly #onError: (e: Error) => void;
  readonly #entries = new Map<string, Entry>();
  #timer: NodeJS.Timeout | undefined;
  // One write at a time, in order: a slow refresh must never land after `close` removed the entries.
  #writes: Promise<void> = Promise.resolve();
  #closed = false;

  constructor(opts: ComfyBlocklistBoardOptions) {
    this.#redis = opts.redis;
    this.#key = comfyBlocklistKey(opts.prefix);
    this.#worker = opts.worker;
    this.#refreshIntervalMs = opts.refreshIntervalMs ?? defaultRefreshIntervalMs;
    this.#staleAfterMs = this.#refreshIntervalMs * (opts.staleAfterRefreshes ?? defaultStaleAfterRefreshes);
    this.#onError = opts.onError ?? ((e) => console.error(`[comfy-blocklist ${this.#worker}]`, e.message));
  }

  /** Keep rewriting the entries (and sweeping dead workers' ones) every refresh interval. */
  start(): void {
    this.#timer ??= setInterval(() => void this.refresh(), this.#refreshIntervalMs);
    this.#timer.unref();
  }

  /** The pool's `onBlocklistChange`; a bound field, so it can be passed as it is. */
  readonly record = (change: ComfyBlocklistChange): void => {
    if (this.#closed) return;
    const field = this.#field(change.server, change.recipeId);
    if (!change.blocklisted) {
      this.#entries.delete(field);
      this.#enqueue(async () => { await this.#redis.hdel(this.#key, field); });
      return;
    }
    const since = this.#entries.get(field)?.since ?? new Date().toISOString();
    const entry: Entry = { worker: this.#worker, server: change.server, url: change.url, recipeId: change.recipeId, failures: change.failures, since };
    this.#entries.set(field, entry);
    this.#enqueue(() => this.#write([[field, entry]]));
  };

  /** Rewrite every entry with a fresh expiry and drop entries of any worker that have lapsed. */
  refresh(): Promise<void> {
    return this.#enqueue(async () => {
      if (this.#entries.size > 0) await this.#write([...this.#entries]);
      const now = Date.now();
      const lapsed = Object.entries(await this.#redis.hgetall(this.#key)).filter(([, v]) => !liveComfyBlocklistRecord(v, now)).map(([f]) => f);
      if (lapsed.length > 0) await this.#redis.hdel(this.#key, ...lapsed);
    });
  }

  /** Resolves once every write asked for so far is done (or failed and was reported). */
  flush(): Promise<void> {
    return this.#enqueue(async () => undefined);
  }

  /** Stop refreshing and take this worker's entries off the board: a worker that left blocks nothing. */
  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#timer);
    const fields = [...this.#entries.keys()];
    this.#entries.clear();
    await this.#enqueue(async () => { if (fields.length > 0) await this.#redis.hdel(this.#key, ...fields); });
  }

  async #write(entries: [string, Entry][]): Promise<void> {
    const expiresAt = new Date(Date.now() + this.#staleAfterMs).toISOString();
    const tx = this.#redis.multi();
    for (const [field, entry] of entries) tx.hset(this.#key, field, JSON.stringify({ ...entry, expiresAt } satisfies ComfyBlocklistRecord));
    tx.pexpire(this.#key, this.#staleAfterMs);
    await tx.exec();
  }

  // JSON of the triple: worker names hold `:` (host:pid) and recipe ids `/`, so no separator is safe.
  #field(server: string, recipeId: string): string {
    return JSON.stringify([this.#worker, server, recipeId]);
  }

  #enqueue(write: () => Promise<void>): Promise<void> {
    this.#writes = this.#writes.then(write).catch((e: unknown) => this.#onError(e instanceof Error ? e : new Error(String(e))));
    return this.#writes;
  }
}
