import path from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedis, EmbeddedRedis, freeLoopbackPort } from '@shotfarm/shared/queue';
import { startTestRedis, type TestRedis } from '../../../../shared/test/redis-server.ts';
import { RateLimitCounters } from './rate-limit-counters.ts';

const minute = 60_000;
// Counts are kept in Redis until their window ends, so the tests' clocks sit in the current window (keys expire by it).
const thisWindow = Math.floor(Date.now() / minute);

describe('rate-limit counters shared by replicas through a real Redis', () => {
  let redis: TestRedis;
  let a: Redis;
  let b: Redis;

  beforeAll(async () => {
    redis = await startTestRedis('ratelimit');
    a = redis.connect();
    b = redis.connect();
  }, 30_000);
  afterAll(async () => { await redis.close(); });

  it('counts exactly within a replica and learns the other replicas\' counts at each sync', async () => {
    const one = new RateLimitCounters(a, { keyPrefix: 't1:', syncMs: 60_000 });
    const two = new RateLimitCounters(b, { keyPrefix: 't1:', syncMs: 60_000 });
    const now = thisWindow * minute + 1_000;
    for (let i = 1; i <= 5; i++) expect(one.count('key:k1', minute, 1, now)).toEqual({ current: i, ttl: minute - 1_000 });
    expect(two.count('key:k1', minute, 1, now).current).toBe(1); // not yet synced: only its own
    await one.sync(now);
    await two.sync(now);
    // Redis holds the sum; the second replica, synced last, knows all six.
    expect(await a.get(`t1:key:k1:60000:${thisWindow}`)).toBe('6');
    expect(two.count('key:k1', minute, 0, now).current).toBe(6);
    // The first replica learns the other's count when it next sends its own (a replica with traffic sends every syncMs).
    expect(one.count('key:k1', minute, 0, now).current).toBe(5);
    expect(one.count('key:k1', minute, 1, now).current).toBe(6);
    await one.sync(now);
    expect(one.count('key:k1', minute, 0, now).current).toBe(7);
    // Another key, another window: counted apart.
    expect(one.count('key:k2', minute, 1, now).current).toBe(1);
    expect(one.count('key:k1', minute, 1, now + minute).current).toBe(1);
    await one.close();
    await two.close();
    expect(Number(await a.get(`t1:key:k1:60000:${thisWindow}`))).toBe(7);
    expect(await a.pttl(`t1:key:k1:60000:${thisWindow}`)).toBeGreaterThan(0); // expires on its own
  });

  it('syncs on its own shortly after counting', async () => {
    const one = new RateLimitCounters(a, { keyPrefix: 't2:', syncMs: 20 });
    one.count('ip:1', minute);
    one.count('ip:1', minute);
    const key = `t2:ip:1:60000:${Math.floor(Date.now() / minute)}`;
    await expect.poll(() => a.get(key), { timeout: 2_000 }).toBe('2');
    await one.close();
  });

  it('keeps limiting on its own counts while Redis is unreachable, and sends them once it is back', async () => {
    const port = await freeLoopbackPort();
    const down = createRedis(`redis://127.0.0.1:${port}`, { maxRetriesPerRequest: 1, commandTimeout: 200, enableReadyCheck: false, retryStrategy: () => 50 });
    down.on('error', () => undefined);
    const errors: unknown[] = [];
    const one = new RateLimitCounters(down, { keyPrefix: 't3:', syncMs: 60_000, onSyncError: (err) => errors.push(err) });
    const now = thisWindow * minute;
    for (let i = 0; i < 3; i++) one.count('user:u', minute, 1, now);
    await expect(one.sync(now)).rejects.toThrow();
    // Nothing was lost or let through: the count stands, and the next request is judged on it.
    expect(one.count('user:u', minute, 1, now).current).toBe(4);
    // Redis comes up on that port: the next sync sends all four, none twice.
    const late = await EmbeddedRedis.start({ dataDir: path.join(redis.dir, 'late'), port });
    try {
      await expect.poll(async () => { await one.sync(now).catch(() => undefined); return down.get(`t3:user:u:60000:${thisWindow}`); }, { timeout: 10_000, interval: 200 }).toBe('4');
      await one.sync(now);
      expect(await down.get(`t3:user:u:60000:${thisWindow}`)).toBe('4');
      expect(errors.length).toBe(0); // onSyncError is for background syncs; the explicit ones rejected instead
    } finally {
      await one.close();
      down.disconnect();
      await late.stop();
    }
  });
});
