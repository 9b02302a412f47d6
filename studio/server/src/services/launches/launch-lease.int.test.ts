import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRedis, type TestRedis } from '../../../../../shared/test/redis-server.ts';
import { LaunchLeases } from './launch-lease.ts';

const quiet = { warn: () => undefined };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('launch leases on a real Redis', () => {
  let redis: TestRedis;
  let a: Redis;
  let b: Redis;

  beforeAll(async () => {
    redis = await startTestRedis('lease');
    a = redis.connect();
    b = redis.connect();
  }, 30_000);
  afterAll(async () => { await redis.close(); });

  it('lets one replica hold a launch; the other gets it once released', async () => {
    const one = new LaunchLeases(a, 'lt1', { leaseMs: 3000, log: quiet });
    const two = new LaunchLeases(b, 'lt1', { leaseMs: 3000, log: quiet });
    expect(await one.acquire('L1')).toBe(true);
    expect(await two.acquire('L1')).toBe(false);
    expect(one.holds('L1')).toBe(true);
    expect(two.holds('L1')).toBe(false);
    // Acquiring again is a renewal for the holder, still a refusal for the other.
    expect(await one.acquire('L1')).toBe(true);
    expect(await two.acquire('L1')).toBe(false);
    // Another launch is independent.
    expect(await two.acquire('L2')).toBe(true);
    expect(await a.get(one.keyOf('L1'))).toBe(one.token);
    await one.release('L1');
    expect(one.holds('L1')).toBe(false);
    expect(await two.acquire('L1')).toBe(true);
    // A release by a replica that no longer holds the lease deletes nothing.
    await one.release('L1');
    expect(await b.get(two.keyOf('L1'))).toBe(two.token);
    await two.stop();
    expect(await b.exists(two.keyOf('L1'), two.keyOf('L2'))).toBe(0);
  });

  it('keeps a lease alive by renewal past its lifetime, and frees it by expiry when its holder dies', async () => {
    const leaseMs = 1200;
    const one = new LaunchLeases(a, 'lt2', { leaseMs, log: quiet });
    const two = new LaunchLeases(b, 'lt2', { leaseMs, log: quiet });
    one.start();
    expect(await one.acquire('L')).toBe(true);
    await sleep(leaseMs * 2.5);
    // Renewed every third of the lease: still held, the other replica is still refused.
    expect(one.holds('L')).toBe(true);
    expect(await two.acquire('L')).toBe(false);

    // The holder dies (no renewal, no release): the lease expires and the other replica takes the launch.
    one.abandon();
    expect(await two.acquire('L')).toBe(false);
    await sleep(leaseMs + 200);
    expect(await two.acquire('L')).toBe(true);
    expect(two.holds('L')).toBe(true);
    await two.stop();
  });

  it('counts a lease as lost when its renewal is refused: the replica that took it over keeps it', async () => {
    const leaseMs = 1500;
    const one = new LaunchLeases(a, 'lt3', { leaseMs, log: quiet });
    const two = new LaunchLeases(b, 'lt3', { leaseMs, log: quiet });
    expect(await one.acquire('L')).toBe(true);
    // The lease vanished under the holder (expired while it was paused) and another replica took it.
    await a.del(one.keyOf('L'));
    expect(await two.acquire('L')).toBe(true);
    await one.renewAll();
    expect(one.holds('L')).toBe(false);
    expect(await one.acquire('L')).toBe(false);
    expect(await b.get(two.keyOf('L'))).toBe(two.token);
    // Without a confirmed renewal a holder stops trusting its lease before Redis would expire it.
    await sleep((leaseMs * 2) / 3 + 50);
    expect(two.holds('L')).toBe(false);
    await two.stop();
  });
});
