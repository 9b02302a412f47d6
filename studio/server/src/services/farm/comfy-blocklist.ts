import type { Redis } from 'ioredis';
import type { ComfyBlocklistRecord, ComfyBlocklisting } from '@shotfarm/shared';
import { comfyBlocklistKey, liveComfyBlocklistRecord } from '@shotfarm/shared/queue';

/**
 * The render workers' ComfyUI blocklists, as they publish them (`ComfyBlocklistBoard`). Entries past their
 * `expiresAt` are a dead worker's and are skipped; the workers sweep them, this only reads.
 */
export async function readComfyBlocklist(redis: Redis, prefix: string, now: number = Date.now()): Promise<ComfyBlocklistRecord[]> {
  const hash = await redis.hgetall(comfyBlocklistKey(prefix));
  return Object.values(hash).flatMap((v) => liveComfyBlocklistRecord(v, now) ?? []);
}

/** The records about one server (by URL, or by name where a worker reaches it by another URL), recipe by recipe. */
export function blocklistingsOf(server: { name: string; url: string }, records: readonly ComfyBlocklistRecord[]): ComfyBlocklisting[] {
  return records
    .filter((r) => r.url === server.url || r.server === server.name)
    .map(({ recipeId, worker, failures, since }) => ({ recipeId, worker, failures, since }))
    .sort((a, b) => a.recipeId.localeCompare(b.recipeId) || a.worker.localeCompare(b.worker));
}
