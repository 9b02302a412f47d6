import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedis } from '@shotfarm/shared/queue';
import { startTestRedis, type TestRedis } from '../../../../../shared/test/redis-server.ts';
import { ServeBatcher, type ServeRequest } from './serve-batch.ts';

describe('serving requests in batches on a real Redis', () => {
  let server: TestRedis;
  let redis: Redis;

  beforeAll(async () => {
    server = await startTestRedis('serve-batch');
    redis = server.connect();
  }, 30_000);
  afterAll(async () => { await server.close(); });

  const request = (visitor: string | undefined, candidate: number, impression: string, record = true): ServeRequest => ({
    stickyKey: `t:sticky:${visitor ?? '-'}`, countersKey: 't:counters', impressionKey: `t:event:${impression}`,
    candidate, period: 3, record, sticky: visitor !== undefined,
  });

  it('answers requests of one turn in one call, with the semantics of one call each', async () => {
    const batcher = new ServeBatcher(redis, { stickyTtlS: 600, eventTtlS: 600, day: () => '2026-12-06' });
    // 40 requests at once: visitor A eight times with different candidates, 32 visitors once, one without a visitor
    // (not sticky) and one not recorded.
    const asks = [
      ...Array.from({ length: 8 }, (_, i) => batcher.serve(request('A', i % 3, `a${i}`))),
      ...Array.from({ length: 30 }, (_, i) => batcher.serve(request(`v${i}`, i % 2, `v${i}`))),
      batcher.serve(request(undefined, 1, 'anon')),
      batcher.serve(request('quiet', 2, 'quiet', false)),
    ];
    const chosen = await Promise.all(asks);
    expect(batcher.stats).toEqual({ requests: 40, calls: 1 });
    // A keeps its first arm (candidate 0) however often it comes back, in the same call.
    expect(chosen.slice(0, 8)).toEqual(Array(8).fill(0));
    expect(chosen.slice(8, 38)).toEqual(Array.from({ length: 30 }, (_, i) => i % 2));
    expect(chosen[38]).toBe(1);
    expect(chosen[39]).toBe(2);
    const counters = await redis.hgetall('t:counters');
    // Assignments: A once, 30 visitors, the anonymous request (never sticky, so always fresh), 'quiet' once.
    expect(counters).toMatchObject({ '3:a:0': String(1 + 15), '3:a:1': String(15 + 1), '3:a:2': '1' });
    // Impressions: 39 recorded (all but 'quiet'), also counted per day.
    expect(Number(counters['3:i:0']) + Number(counters['3:i:1'])).toBe(39);
    expect(counters['3:i:2']).toBeUndefined();
    expect(counters['d:2026-12-06:3:i:0']).toBe(counters['3:i:0']);
    expect(await redis.exists('t:event:a7', 't:event:anon', 't:event:quiet')).toBe(2);
    expect(await redis.ttl('t:sticky:A')).toBeGreaterThan(500);

    // The next turn is another call; A is still sticky across calls.
    expect(await batcher.serve(request('A', 2, 'a8'))).toBe(0);
    expect(batcher.stats.calls).toBe(2);
  });

  it('splits a large turn into calls of at most maxBatch, and fails only the requests of a failed call', async () => {
    const batcher = new ServeBatcher(redis, { stickyTtlS: 600, eventTtlS: 600, maxBatch: 16, day: () => '2026-12-06' });
    const chosen = await Promise.all(Array.from({ length: 50 }, (_, i) => batcher.serve(request(`w${i}`, 1, `w${i}`))));
    expect(chosen).toEqual(Array(50).fill(1));
    expect(batcher.stats).toEqual({ requests: 50, calls: 4 });

    const closed = createRedis(server.url, { maxRetriesPerRequest: 0, enableOfflineQueue: false, lazyConnect: true });
    closed.on('error', () => undefined);
    const failing = new ServeBatcher(closed, { stickyTtlS: 600, eventTtlS: 600, day: () => '2026-12-06' });
    const answers = await Promise.allSettled([failing.serve(request('x', 0, 'x')), failing.serve(request('y', 1, 'y'))]);
    expect(answers.map((a) => a.status)).toEqual(['rejected', 'rejected']);
    closed.disconnect();
    expect(await batcher.serve(request('w0', 0, 'w0-again'))).toBe(1);
  });
});
