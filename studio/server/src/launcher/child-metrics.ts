import { Counter, Gauge, Registry } from 'prom-client';

/**
 * What the launcher counts about its children (embedded Redis, render and scorer workers). The launcher runs in the
 * API's process, so `/metrics` adds this registry to the API's own; it is module-level because there is one launcher
 * per process (tests that start several APIs share it, and read it only for the children they started).
 */
export const launcherRegistry = new Registry();

export const childRestarts = new Counter({
  name: 'shotfarm_child_restarts_total',
  help: 'Embedded children (redis, render worker, scorer worker) restarted after they died',
  labelNames: ['child'] as const,
  registers: [launcherRegistry],
});

export const childCrashLoops = new Gauge({
  name: 'shotfarm_child_crash_loop',
  help: '1 while an embedded child is in a crash loop (restarted 5 times within 2 minutes), else 0',
  labelNames: ['child'] as const,
  registers: [launcherRegistry],
});
