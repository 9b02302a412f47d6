import type { Redis } from 'ioredis';

/**
 * What Redis does for each `/serve` request of a running experiment: keep the visitor's first arm (SET NX GET with
 * a TTL, as sticky bucketing does), count a new assignment for the SRM check, and count the impression with its id
 * marked as seen (so the storefront re-posting it as an event counts once), also per UTC day for the learning loop.
 *
 * Several requests travel in one Lua call. KEYS, three per request: sticky, counters, impression id. ARGV: sticky TTL,
 * event TTL, UTC day, then four per request: candidate position, period, record (1/0), sticky (1/0).
 * Answers the chosen position of each request, in order. Requests of one call run one after the other, so the same
 * visitor twice in a call gets the same arm, exactly as in two calls.
 */
const serveManyScript = `
local stickyTtl, eventTtl, day = ARGV[1], ARGV[2], ARGV[3]
local out = {}
for i = 1, #KEYS / 3 do
  local k = (i - 1) * 3
  local a = 3 + (i - 1) * 4
  local chosen = ARGV[a + 1]
  local period = ARGV[a + 2]
  local fresh = true
  if ARGV[a + 4] == '1' then
    local prev = redis.call('SET', KEYS[k + 1], chosen, 'NX', 'GET', 'EX', stickyTtl)
    if prev then chosen = prev; fresh = false end
  end
  if fresh then redis.call('HINCRBY', KEYS[k + 2], period .. ':a:' .. chosen, 1) end
  if ARGV[a + 3] == '1' then
    redis.call('SET', KEYS[k + 3], '1', 'EX', eventTtl)
    redis.call('HINCRBY', KEYS[k + 2], period .. ':i:' .. chosen, 1)
    redis.call('HINCRBY', KEYS[k + 2], 'd:' .. day .. ':' .. period .. ':i:' .. chosen, 1)
  end
  out[i] = chosen
end
return out`;

/** One request's part of a batch. */
export interface ServeRequest {
  stickyKey: string;
  countersKey: string;
  impressionKey: string;
  candidate: number;
  period: number;
  record: boolean;
  sticky: boolean;
}

type ServeManyCommand = (...args: Array<string | number>) => Promise<string[]>;

interface Waiting { request: ServeRequest; resolve: (chosen: number) => void; reject: (err: unknown) => void }

/**
 * Sends the `/serve` requests that arrive in one turn of the event loop to Redis together, in one Lua call.
 *
 * A Redis round trip per request was most of `/serve`'s cost beyond a bare route (profiled in the storefront-serve
 * benchmark: the socket write alone, per request). Requests read from many connections in one poll phase reach here
 * before `setImmediate` runs, so under load they share a call, and alone a request waits for nothing but the end of
 * the current turn. Semantics are those of one call per request (see the script).
 */
export class ServeBatcher {
  readonly #serveMany: ServeManyCommand;
  #waiting: Waiting[] = [];
  #scheduled = false;
  /** Requests and Redis calls so far: their ratio is the mean batch size (reported by the benchmark). */
  readonly stats = { requests: 0, calls: 0 };

  constructor(redis: Redis, private readonly opts: { stickyTtlS: number; eventTtlS: number; maxBatch?: number; day: () => string }) {
    if (!('sfServeMany' in redis)) redis.defineCommand('sfServeMany', { lua: serveManyScript });
    this.#serveMany = (redis as unknown as { sfServeMany: ServeManyCommand }).sfServeMany.bind(redis);
  }

  /** The arm position this request gets (the sticky one if the visitor has one, else the candidate). */
  serve(request: ServeRequest): Promise<number> {
    return new Promise((resolve, reject) => {
      this.#waiting.push({ request, resolve, reject });
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => this.#flush());
      }
    });
  }

  #flush(): void {
    this.#scheduled = false;
    const waiting = this.#waiting;
    this.#waiting = [];
    // A bound on one Lua call's length: Redis runs nothing else while it runs.
    const max = this.opts.maxBatch ?? 256;
    for (let start = 0; start < waiting.length; start += max) void this.#send(waiting.slice(start, start + max));
  }

  async #send(batch: Waiting[]): Promise<void> {
    const keys: string[] = [];
    const args: Array<string | number> = [this.opts.stickyTtlS, this.opts.eventTtlS, this.opts.day()];
    for (const { request: r } of batch) {
      keys.push(r.stickyKey, r.countersKey, r.impressionKey);
      args.push(r.candidate, r.period, r.record ? '1' : '0', r.sticky ? '1' : '0');
    }
    this.stats.requests += batch.length;
    this.stats.calls += 1;
    try {
      const chosen = await this.#serveMany(keys.length, ...keys, ...args);
      batch.forEach((w, i) => w.resolve(Number(chosen[i])));
    } catch (err) {
      for (const w of batch) w.reject(err);
    }
  }
}
