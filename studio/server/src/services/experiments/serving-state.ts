import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { pickByWeight } from '@shotfarm/shared/bandit';
import type { Storage } from '@shotfarm/shared/storage';
import { counterField, ExperimentKeys, utcDay } from './experiment-keys.ts';
import { ServeBatcher } from './serve-batch.ts';

/** What a replica needs to serve one SKU slot without touching the database. */
export const SlotServing = z.object({
  sku: z.string(),
  slot: z.string(),
  live: z.object({ assetId: z.string(), key: z.string() }).nullable(),
  experiment: z.object({
    id: z.string(),
    period: z.int(),
    arms: z.array(z.object({ assetId: z.string(), key: z.string() })),
    weights: z.array(z.number()),
  }).nullable(),
});
export type SlotServing = z.infer<typeof SlotServing>;

export interface Served {
  assetId: string;
  url: string;
  experimentId: string | null;
  impressionId: string | null;
}

/**
 * The storefront's view of every SKU slot, held in memory by each API replica and refreshed from Redis on the
 * update cadence and at once when another replica announces a change, so `/serve` reads no database and several
 * replicas serve the same weights. Writers (the experiment store, the live pointers) `publish` a slot after changing it.
 */
export class ServingState {
  readonly #slots = new Map<string, SlotServing>();
  readonly #urls = new Map<string, { url: string; refreshAt: number }>();
  readonly #keys: ExperimentKeys;
  /** The Redis side of `/serve`, several requests per call. */
  readonly batcher: ServeBatcher;
  #subscriber: Redis | undefined;

  constructor(private readonly redis: Redis, prefix: string, private readonly storage: Storage,
    private readonly opts: { stickyTtlS: number; eventTtlS: number; urlTtlS: number }) {
    this.#keys = new ExperimentKeys(prefix);
    this.batcher = new ServeBatcher(redis, { stickyTtlS: opts.stickyTtlS, eventTtlS: opts.eventTtlS, day: () => utcDay(Date.now()) });
  }

  get keys(): ExperimentKeys { return this.#keys; }

  /** Load every slot and follow changes (a dedicated subscriber connection, as pub/sub requires). */
  async start(subscriber: Redis): Promise<void> {
    this.#subscriber = subscriber;
    subscriber.on('message', (channel: string, field: string) => {
      if (channel === this.#keys.changed) void this.reloadSlot(field).catch(() => undefined);
    });
    await subscriber.subscribe(this.#keys.changed);
    await this.reloadAll();
  }

  async stop(): Promise<void> {
    await this.#subscriber?.unsubscribe().catch(() => undefined);
  }

  /** Re-read every slot (the cadence refresh, which also heals a missed pub/sub message). */
  async reloadAll(): Promise<void> {
    const all = await this.redis.hgetall(this.#keys.slots);
    const seen = new Set<string>();
    for (const [field, json] of Object.entries(all)) {
      const parsed = SlotServing.safeParse(JSON.parse(json));
      if (parsed.success) { this.#slots.set(field, parsed.data); seen.add(field); }
    }
    for (const field of [...this.#slots.keys()]) if (!seen.has(field)) this.#slots.delete(field);
  }

  async reloadSlot(field: string): Promise<void> {
    await this.#reloadSlots([field]);
  }

  /**
   * Re-read, in one round trip, those of these slots for which this replica knows no experiment (at most `max`).
   * An experiment created on another replica reaches this one by pub/sub a moment later, and a storefront may
   * already send events for it here: event ingest asks this before refusing them.
   */
  async rereadSlotsWithoutExperiment(slots: Iterable<{ sku: string; slot: string }>, max: number): Promise<void> {
    const fields = new Set<string>();
    for (const { sku, slot } of slots) {
      if (fields.size >= max) break;
      if (!this.experimentOf(sku, slot)) fields.add(ExperimentKeys.slotField(sku, slot));
    }
    if (fields.size > 0) await this.#reloadSlots([...fields]);
  }

  async #reloadSlots(fields: string[]): Promise<void> {
    const values = await this.redis.hmget(this.#keys.slots, ...fields);
    fields.forEach((field, i) => {
      const json = values[i];
      const parsed = json ? SlotServing.safeParse(JSON.parse(json)) : undefined;
      if (parsed?.success) this.#slots.set(field, parsed.data);
      else this.#slots.delete(field);
    });
  }

  /** Write a slot's serving state to Redis and tell every replica (this one included, at once). */
  async publish(state: SlotServing): Promise<void> {
    const field = ExperimentKeys.slotField(state.sku, state.slot);
    if (!state.live && !state.experiment) await this.redis.hdel(this.#keys.slots, field);
    else await this.redis.hset(this.#keys.slots, field, JSON.stringify(state));
    await this.reloadSlot(field);
    await this.redis.publish(this.#keys.changed, field);
  }

  get(sku: string, slot: string): SlotServing | undefined {
    return this.#slots.get(ExperimentKeys.slotField(sku, slot));
  }

  /** The running experiment of a slot as this replica knows it (used to validate events). */
  experimentOf(sku: string, slot: string): SlotServing['experiment'] | undefined {
    return this.get(sku, slot)?.experiment ?? undefined;
  }

  /** Choose the image for one request; undefined when the slot has neither an experiment nor a live image. */
  async serve(sku: string, slot: string, visitor: string | undefined, record: boolean): Promise<Served | undefined> {
    const state = this.get(sku, slot);
    const xp = state?.experiment;
    if (xp) {
      const candidate = pickByWeight(xp.weights, Math.random());
      const impressionId = record ? randomUUID() : null;
      const chosen = await this.batcher.serve({
        stickyKey: this.#keys.sticky(xp.id, visitor ?? '-'), countersKey: this.#keys.counters(xp.id),
        impressionKey: this.#keys.event(impressionId ?? '-'), candidate, period: xp.period, record, sticky: visitor !== undefined,
      });
      const arm = xp.arms[chosen] ?? xp.arms[candidate]!;
      return { assetId: arm.assetId, url: await this.url(arm.key), experimentId: xp.id, impressionId };
    }
    if (state?.live) return { assetId: state.live.assetId, url: await this.url(state.live.key), experimentId: null, impressionId: null };
    return undefined;
  }

  /** Signed URLs are cached for half their lifetime: signing is cheap, but not free on the hot path. */
  async url(key: string): Promise<string> {
    const now = Date.now();
    const cached = this.#urls.get(key);
    if (cached && cached.refreshAt > now) return cached.url;
    const url = await this.storage.signedUrl(key);
    this.#urls.set(key, { url, refreshAt: now + (this.opts.urlTtlS * 1000) / 2 });
    if (this.#urls.size > 100_000) this.#urls.clear();
    return url;
  }
}

export { counterField };
