import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../test/harness.ts';
import { launcherRegistry } from './child-metrics.ts';
import { WorkerPool } from './worker-pool.ts';

describe('worker pool supervision', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => { for (const c of cleanups.splice(0).reverse()) await c(); });

  it('a worker that keeps dying (a poison task) is restarted with back-off, counted, and its crash loop reported once', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'shotfarm-pool-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const entry = path.join(dir, 'dies.mjs');
    await writeFile(entry, 'process.exit(3);\n');
    const lines: string[] = [];
    const pool = new WorkerPool({
      entry: pathToFileURL(entry).href, label: 'poisoned worker', count: 1, env: {},
      restart: { initialDelayMs: 20, maxDelayMs: 200, crashLoopRestarts: 4, crashLoopWindowMs: 60_000 }, report: (l) => lines.push(l),
    });
    pool.start();
    cleanups.push(() => pool.stop());
    await waitFor(async () => (pool.restarts >= 6 ? true : undefined), 60_000, 20);
    await pool.stop();
    const delays = lines.filter((l) => l.includes('restarting in')).map((l) => Number(/restarting in (\d+) ms/.exec(l)![1]));
    expect(delays.slice(0, 5)).toEqual([20, 40, 80, 160, 200]);
    expect(lines.filter((l) => l.includes('CRASH LOOP'))).toHaveLength(1);
    expect(lines.find((l) => l.includes('CRASH LOOP'))).toContain('poisoned worker 0');
    const text = await launcherRegistry.metrics();
    expect(text).toMatch(/shotfarm_child_restarts_total\{child="poisoned-worker"\} ([6-9]|\d\d)/);
    expect(text).toContain('shotfarm_child_crash_loop{child="poisoned-worker"} 1');
    // Stopped: no restart after stop().
    const after = pool.restarts;
    await new Promise((r) => setTimeout(r, 300));
    expect(pool.restarts).toBe(after);
    expect(pool.pids).toEqual([]);
  }, 90_000);
});
