import { describe, expect, it } from 'vitest';
import { DependencyMonitor, withTimeout } from './dependency-monitor.ts';
import { isPublicAddress } from '../webhooks/target-guard.ts';

describe('dependency monitor', () => {
  it('a probe that hangs counts as down after the timeout, names why, and comes back when it answers', async () => {
    let hang = true;
    const changes: string[] = [];
    const monitor = new DependencyMonitor({
      probes: { redis: async () => 'PONG', database: () => (hang ? new Promise(() => undefined) : Promise.resolve()), storage: async () => undefined },
      timeoutMs: 50, onChange: (name, s) => changes.push(`${name} ${s.ok ? 'up' : 'down'}`),
    });
    const t = Date.now();
    const states = await monitor.probeAll();
    expect(Date.now() - t).toBeLessThan(1000);
    expect(states.database).toMatchObject({ ok: false, error: 'database did not answer within 50 ms' });
    expect(monitor.down(['redis', 'database'])).toEqual([{ name: 'database', error: 'database did not answer within 50 ms' }]);
    expect(monitor.down(['redis'])).toEqual([]);
    hang = false;
    await monitor.probe('database');
    expect(monitor.down(['database'])).toEqual([]);
    expect(changes).toEqual(['database down', 'database up']);
  });

  it('withTimeout passes values and errors through, and rejects a promise that never settles', async () => {
    await expect(withTimeout(Promise.resolve(7), 50)).resolves.toBe(7);
    await expect(withTimeout(Promise.reject(new Error('boom')), 50)).rejects.toThrow('boom');
    await expect(withTimeout(new Promise(() => undefined), 20, 'storage')).rejects.toThrow('storage did not answer within 20 ms');
  });
});

describe('webhook target addresses', () => {
  it.each([
    ['93.184.216.34', true], ['2606:4700::1111', true],
    ['127.0.0.1', false], ['10.0.0.8', false], ['172.16.3.4', false], ['192.168.1.1', false], ['169.254.169.254', false], ['100.64.1.1', false],
    ['0.0.0.0', false], ['::1', false], ['fe80::1', false], ['fd12::1', false], ['::ffff:10.0.0.1', false], ['224.0.0.1', false], ['not-an-ip', false],
  ])('%s public: %s', (address, expected) => {
    expect(isPublicAddress(address)).toBe(expected);
  });
});
