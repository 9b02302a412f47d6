import { z } from 'zod';

/** A BullMQ queue's job counts by state. */
export const QueueDepth = z.object({
  waiting: z.int().nonnegative(),
  active: z.int().nonnegative(),
  delayed: z.int().nonnegative(),
  failed: z.int().nonnegative(),
  completed: z.int().nonnegative(),
});
export type QueueDepth = z.infer<typeof QueueDepth>;

/** Tasks that finished in one time bucket, by how they finished. */
export const ThroughputBucket = z.object({
  /** Start of the bucket; it lasts `bucketMinutes`. */
  start: z.iso.datetime(),
  succeeded: z.int().nonnegative(),
  failed: z.int().nonnegative(),
  canceled: z.int().nonnegative(),
});
export type ThroughputBucket = z.infer<typeof ThroughputBucket>;

/**
 * A render worker's word that its pool stopped sending a recipe to a ComfyUI server after repeated failures.
 * One field of the Redis hash at `comfyBlocklistKey(prefix)`; the worker rewrites it every refresh, so an
 * entry whose `expiresAt` has passed belongs to a worker that died and is ignored.
 */
export const ComfyBlocklistRecord = z.object({
  /** The render worker's name (`<hostname>:<pid>` unless configured); each worker keeps its own blocklist. */
  worker: z.string().min(1),
  /** The server's name in `COMFYUI_URLS`. */
  server: z.string().min(1),
  /** The server's URL, so the farm page can match it even where two hosts name it differently. */
  url: z.string(),
  recipeId: z.string().min(1),
  /** Failures of this recipe on this server that the worker has counted. */
  failures: z.int().positive(),
  /** When the worker blocklisted it. */
  since: z.iso.datetime(),
  expiresAt: z.iso.datetime(),
});
export type ComfyBlocklistRecord = z.infer<typeof ComfyBlocklistRecord>;

/** One recipe a render worker no longer sends to a server, as the farm page shows it. */
export const ComfyBlocklisting = z.object({
  recipeId: z.string(),
  worker: z.string(),
  failures: z.int().positive(),
  since: z.iso.datetime(),
});
export type ComfyBlocklisting = z.infer<typeof ComfyBlocklisting>;

/** One configured ComfyUI server as its `/system_stats` last answered (or did not). */
export const ComfyServerHealth = z.object({
  name: z.string(),
  url: z.string(),
  /** `down`: it did not answer in time or answered nonsense; `error` says how. */
  state: z.enum(['up', 'down']),
  /** The GPU the configuration names (`;gpu=…`), for when the server is down. */
  configuredGpu: z.string().nullable(),
  /** The first device the server reports; null when down or it reports none. */
  device: z.object({ name: z.string(), vramTotalBytes: z.number().nonnegative(), vramFreeBytes: z.number().nonnegative() }).nullable(),
  /** Prompts running or waiting on the server; 0 is idle. Null when down. */
  queueRemaining: z.int().nonnegative().nullable(),
  error: z.string().nullable(),
  checkedAt: z.iso.datetime(),
  /** Recipes some live render worker no longer sends here (one entry per worker and recipe); empty when none. */
  blocklistedFor: z.array(ComfyBlocklisting),
});
export type ComfyServerHealth = z.infer<typeof ComfyServerHealth>;

/**
 * Replicate as `GET /v1/account` last answered with the configured token: `up` (the token works; `account` is
 * its username), `down` (unreachable, or the token was refused: `error` says which), `unset` (no token).
 */
export const ReplicateHealth = z.object({
  configured: z.boolean(),
  state: z.enum(['up', 'down', 'unset']),
  account: z.string().nullable(),
  error: z.string().nullable(),
  checkedAt: z.iso.datetime().nullable(),
});
export type ReplicateHealth = z.infer<typeof ReplicateHealth>;

/** What `GET /api/farm` answers: everything the farm page shows. */
export const FarmStatus = z.object({
  queues: z.object({ render: QueueDepth, score: QueueDepth }),
  throughput: z.object({ bucketMinutes: z.int().positive(), buckets: z.array(ThroughputBucket) }),
  /** `RENDER_BACKENDS`, as configured. */
  backends: z.array(z.string()),
  comfyui: z.array(ComfyServerHealth),
  replicate: ReplicateHealth,
});
export type FarmStatus = z.infer<typeof FarmStatus>;
