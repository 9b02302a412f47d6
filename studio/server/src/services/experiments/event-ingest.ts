import type { Redis } from 'ioredis';
import { StorefrontEvent, type ErrorCode, type EventBatchResult } from '@shotfarm/shared';
import { counterField, dailyCounterField, utcDay, type ExperimentKeys } from './experiment-keys.ts';
import type { ServingState } from './serving-state.ts';

/** Events stamped further ahead than this are refused (a storefront clock a little fast is tolerated). */
const futureToleranceMs = 5 * 60 * 1000;
/** At most this many slots without a known experiment are re-read per batch (one HMGET), so made-up SKUs cost little. */
const maxSlotsRereadPerBatch = 20;

/**
 * One Lua call per batch: for each event, mark its id as seen (SET NX with a TTL) and, only when it is new,
 * increment its counters (the period's and the event day's). Atomic, so a resent batch or two replicas ingesting
 * the same event count it once.
 * ARGV: TTL, then (event key, counters key, field, daily field) per event. Returns 1 (counted) or 0 (duplicate) per event.
 */
const ingestScript = `
local flags = {}
for i = 2, #ARGV, 4 do
  if redis.call('SET', ARGV[i], '1', 'NX', 'EX', ARGV[1]) then
    redis.call('HINCRBY', ARGV[i + 1], ARGV[i + 2], 1)
    redis.call('HINCRBY', ARGV[i + 1], ARGV[i + 3], 1)
    flags[#flags + 1] = 1
  else
    flags[#flags + 1] = 0
  end
end
return flags`;

type IngestCommand = (...args: (string | number)[]) => Promise<number[]>;

/**
 * `POST /events`: validates each event against the in-memory serving state (no database), then counts the good
 * ones in Redis. Counters are flushed to Postgres by the updater; until then Redis (with its AOF) holds them.
 */
export class EventIngest {
  readonly #ingest: IngestCommand;

  constructor(redis: Redis, private readonly keys: ExperimentKeys, private readonly serving: ServingState,
    private readonly opts: { lateWindowS: number; eventTtlS: number }) {
    if (!('sfIngest' in redis)) redis.defineCommand('sfIngest', { numberOfKeys: 0, lua: ingestScript });
    this.#ingest = (redis as unknown as { sfIngest: IngestCommand }).sfIngest.bind(redis);
  }

  async ingest(events: readonly unknown[], now = Date.now()): Promise<EventBatchResult> {
    const rejected: { index: number; code: ErrorCode }[] = [];
    const args: string[] = [];
    const parsedEvents = events.map((raw) => StorefrontEvent.safeParse(raw));
    // A replica may not yet have heard of an experiment just created on another: re-read before refusing.
    await this.serving.rereadSlotsWithoutExperiment(parsedEvents.flatMap((p) => (p.success ? [p.data] : [])), maxSlotsRereadPerBatch);
    parsedEvents.forEach((parsed, index) => {
      if (!parsed.success) { rejected.push({ index, code: 'SF_EVENT_INVALID' }); return; }
      const e = parsed.data;
      const ts = Date.parse(e.ts);
      if (ts < now - this.opts.lateWindowS * 1000) { rejected.push({ index, code: 'SF_EVENT_TOO_LATE' }); return; }
      if (ts > now + futureToleranceMs) { rejected.push({ index, code: 'SF_EVENT_FROM_FUTURE' }); return; }
      const xp = this.serving.experimentOf(e.sku, e.slot);
      if (!xp) { rejected.push({ index, code: 'SF_EVENT_NO_EXPERIMENT' }); return; }
      const position = xp.arms.findIndex((a) => a.assetId === e.assetId);
      if (position < 0) { rejected.push({ index, code: 'SF_EVENT_ASSET_NOT_IN_EXPERIMENT' }); return; }
      const kind = e.type === 'click' ? 'c' : 'i';
      args.push(this.keys.event(e.eventId), this.keys.counters(xp.id), counterField(xp.period, kind, position), dailyCounterField(utcDay(ts), xp.period, kind, position));
    });
    let accepted = 0;
    if (args.length > 0) {
      const flags = await this.#ingest(this.opts.eventTtlS, ...args);
      accepted = flags.filter((f) => Number(f) === 1).length;
    }
    return { accepted, duplicates: args.length / 4 - accepted, rejected };
  }
}
