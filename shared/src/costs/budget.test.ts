import { describe, expect, it } from 'vitest';
import { tasksThatFit } from './budget.ts';

/**
 * 100 tasks, a cap that covers 40, four workers, and tasks that really cost more than estimated: the gate runs
 * after every recorded attempt, as the ledger does, and skips the queued tasks that no longer fit.
 */
function simulate(opts: { tasks: number; cap: number; estimate: number; actual: (i: number) => number; workers: number }) {
  let spent = 0;
  let dearest = 0;
  const queued = Array.from({ length: opts.tasks }, (_, i) => i);
  const running: number[] = [];
  let ran = 0;
  let skipped = 0;
  const fill = () => { while (running.length < opts.workers && queued.length > 0) running.push(queued.shift()!); };
  fill();
  while (running.length > 0) {
    const done = running.shift()!;
    const cost = opts.actual(done);
    spent += cost;
    dearest = Math.max(dearest, cost);
    ran += 1;
    const fit = tasksThatFit({ capMilliFen: opts.cap, spentMilliFen: spent, runningTasks: running.length, perTaskMilliFen: Math.max(opts.estimate, dearest), queuedTasks: queued.length });
    skipped += queued.length - fit;
    queued.splice(fit);
    fill();
  }
  return { spent, ran, skipped };
}

describe('the budget gate', () => {
  it('100 tasks with a cap covering 40: 40 run, 60 are skipped, spend within the cap', () => {
    const r = simulate({ tasks: 100, cap: 40_000, estimate: 300, actual: () => 1_000, workers: 4 });
    expect(r).toEqual({ spent: 40_000, ran: 40, skipped: 60 });
  });

  it('with uneven task costs, spend never passes the cap by more than one task', () => {
    for (let seed = 1; seed <= 50; seed++) {
      const cost = (i: number) => 500 + ((i * 7919 + seed * 104_729) % 1_000);
      const r = simulate({ tasks: 100, cap: 40_000, estimate: 300, actual: cost, workers: 1 + (seed % 6) });
      expect(r.ran + r.skipped).toBe(100);
      expect(r.spent).toBeLessThanOrEqual(40_000 + 1_500);
    }
  });

  it('nothing fits once the cap is spent; a free task always fits', () => {
    expect(tasksThatFit({ capMilliFen: 100, spentMilliFen: 100, runningTasks: 0, perTaskMilliFen: 0, queuedTasks: 5 })).toBe(0);
    expect(tasksThatFit({ capMilliFen: 100, spentMilliFen: 0, runningTasks: 0, perTaskMilliFen: 0, queuedTasks: 5 })).toBe(5);
  });
});
