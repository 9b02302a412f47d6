import { describe, expect, it } from 'vitest';
import { shutdownSignals } from './shutdown-signals.ts';
import { RestartPolicy } from './restart-policy.ts';

describe('shutdown signals', () => {
  const setup = () => {
    let t = 0;
    const calls: string[] = [];
    const on = shutdownSignals({ coalesceMs: 1000, now: () => t, drain: (s) => calls.push(`drain ${s}`), force: (s) => calls.push(`force ${s}`), ignored: (s) => calls.push(`ignored ${s}`) });
    return { on, calls, at: (ms: number) => { t = ms; } };
  };

  it('Ctrl-C under npm (SIGINT from the terminal and from npm, milliseconds apart) drains once and never forces', () => {
    const { on, calls, at } = setup();
    on('SIGINT'); at(3); on('SIGINT'); at(900); on('SIGTERM');
    expect(calls).toEqual(['drain SIGINT', 'ignored SIGINT', 'ignored SIGTERM']);
  });

  it('a second signal after the window forces, once', () => {
    const { on, calls, at } = setup();
    on('SIGTERM'); at(5000); on('SIGTERM'); at(6000); on('SIGINT');
    expect(calls).toEqual(['drain SIGTERM', 'force SIGTERM']);
  });
});

describe('restart policy', () => {
  it('doubles the delay while a child keeps dying, resets after a stable run, and reports a crash loop once', () => {
    const policy = new RestartPolicy({ initialDelayMs: 100, maxDelayMs: 1000, stableAfterMs: 10_000, crashLoopRestarts: 4, crashLoopWindowMs: 60_000 });
    const delays: number[] = [];
    const loops: boolean[] = [];
    let t = 0;
    for (let i = 0; i < 6; i++) { const d = policy.onExit(t, t + 50); delays.push(d.delayMs); loops.push(d.crashLoopStarted); t += 100; }
    expect(delays).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(loops).toEqual([false, false, false, true, false, false]);
    // Ran for a minute: back to the first delay; the old restarts have left the window, so the loop is over.
    const stable = policy.onExit(t, t + 70_000);
    expect(stable.delayMs).toBe(100);
    expect(stable.inCrashLoop).toBe(false);
  });
});
