import type { Redis } from 'ioredis';
import { sql } from 'drizzle-orm';
import { newId } from '@shotfarm/shared';
import { tables, type Db } from '@shotfarm/shared/db';
import { parseCounterField, parseDailyCounterField, type ExperimentKeys } from './experiment-keys.ts';

/** Move the live counters aside under a fresh name and remember it, atomically. KEYS: counters, flush key, flushing set. */
const detachScript = `
if redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('RENAME', KEYS[1], KEYS[2])
  redis.call('SADD', KEYS[3], KEYS[2])
  return 1
end
return 0`;

type DetachCommand = (counters: string, flushKey: string, flushing: string) => Promise<number>;

/**
 * Flushes Redis counters to Postgres without losing or doubling any: the counters hash is renamed aside (new
 * events start a fresh one), its totals are added in one transaction that also records the flush's token, and
 * only then is the renamed hash deleted. A crash anywhere leaves the hash in the `flushing` set; the next flush
 * finishes it, and the token makes the database side idempotent.
 */
export class CounterFlusher {
  readonly #detach: DetachCommand;

  constructor(private readonly db: Db, private readonly redis: Redis, private readonly keys: ExperimentKeys) {
    if (!('sfDetach' in redis)) redis.defineCommand('sfDetach', { numberOfKeys: 3, lua: detachScript });
    this.#detach = (redis as unknown as { sfDetach: DetachCommand }).sfDetach.bind(redis);
  }

  /** Flush one experiment's counters (and any flush left unfinished by a crash). */
  async flush(experimentId: string): Promise<void> {
    await this.finishPending();
    const token = newId();
    const flushKey = this.keys.flushKey(experimentId, token);
    if (await this.#detach(this.keys.counters(experimentId), flushKey, this.keys.flushing)) await this.commit(flushKey);
  }

  /** Finish every flush a crashed or closed replica left behind. */
  async finishPending(): Promise<void> {
    for (const flushKey of await this.redis.smembers(this.keys.flushing)) await this.commit(flushKey);
  }

  private async commit(flushKey: string): Promise<void> {
    const m = /:xp:flush:([0-9a-f-]{36}):([0-9a-f-]{36})$/.exec(flushKey);
    if (!m) { await this.redis.srem(this.keys.flushing, flushKey); return; }
    const [, experimentId, token] = m as unknown as [string, string, string];
    const fields = await this.redis.hgetall(flushKey);
    const rows = new Map<string, { period: number; position: number; assignments: number; impressions: number; clicks: number }>();
    const daily = new Map<string, { day: string; period: number; position: number; impressions: number; clicks: number }>();
    for (const [field, value] of Object.entries(fields)) {
      const d = parseDailyCounterField(field);
      if (d) {
        const id = `${d.day}:${d.period}:${d.position}`;
        const row = daily.get(id) ?? { day: d.day, period: d.period, position: d.position, impressions: 0, clicks: 0 };
        if (d.kind === 'i') row.impressions += Number(value);
        else row.clicks += Number(value);
        daily.set(id, row);
        continue;
      }
      const f = parseCounterField(field);
      if (!f) continue;
      const id = `${f.period}:${f.position}`;
      const row = rows.get(id) ?? { period: f.period, position: f.position, assignments: 0, impressions: 0, clicks: 0 };
      const n = Number(value);
      if (f.kind === 'a') row.assignments += n;
      else if (f.kind === 'i') row.impressions += n;
      else row.clicks += n;
      rows.set(id, row);
    }
    await this.db.transaction(async (tx) => {
      const [first] = await tx.insert(tables.experimentFlushes).values({ token, experimentId }).onConflictDoNothing().returning({ token: tables.experimentFlushes.token });
      if (!first) return; // already added by an earlier try
      if (daily.size > 0) {
        const d = tables.experimentDailyCounts;
        await tx.insert(d).values([...daily.values()].map((r) => ({ experimentId, ...r }))).onConflictDoUpdate({
          target: [d.experimentId, d.day, d.period, d.position],
          set: { impressions: sql`${d.impressions} + excluded.impressions`, clicks: sql`${d.clicks} + excluded.clicks` },
        });
      }
      if (rows.size === 0) return;
      const c = tables.experimentCounts;
      await tx.insert(c).values([...rows.values()].map((r) => ({ experimentId, ...r }))).onConflictDoUpdate({
        target: [c.experimentId, c.period, c.position],
        set: {
          assignments: sql`${c.assignments} + excluded.assignments`,
          impressions: sql`${c.impressions} + excluded.impressions`,
          clicks: sql`${c.clicks} + excluded.clicks`,
        },
      });
    });
    await this.redis.del(flushKey);
    await this.redis.srem(this.keys.flushing, flushKey);
  }
}
