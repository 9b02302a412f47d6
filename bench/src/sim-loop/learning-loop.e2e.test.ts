import { describe, expect, it } from 'vitest';
import { defaultLoopSpec, marketEffects, runLearningLoop } from './learning-loop.ts';

// A tiny `pnpm sim:loop`: the real API, BullMQ and the scorer's train worker, a few simulated days.
const tiny = { ...defaultLoopSpec, days: 5, productsPerDay: 4, candidates: 4, arms: 3, liveDays: 2, impressionsPerProductDay: 60, periodsPerDay: 1, holdoutDays: 2 };

describe('pnpm sim:loop (tiny)', () => {
  it('aggregates to exactly the events /events accepted, and promotes nothing when features explain nothing (R² = 0)', async () => {
    for (const seed of [31, 32]) {
      const result = await runLearningLoop({ ...tiny, seed, r2: 0 });
      expect(result.days).toHaveLength(tiny.days);
      // Every impression and click /events accepted is in the training data, once, and nothing else is.
      expect(result.trainingTotals.impressions).toBe(result.eventTotals.impressions);
      expect(result.trainingTotals.clicks).toBe(result.eventTotals.clicks);
      expect(result.eventTotals.impressions).toBe(result.days.reduce((s, d) => s + d.impressions, 0));
      expect(result.eventTotals.impressions).toBeGreaterThan(0);
      // Nightly runs happened (after the held-out days) and decided; none promoted at R² = 0.
      const nights = result.days.filter((d) => d.retrain !== null);
      expect(nights.length).toBeGreaterThan(0);
      expect(result.promotions).toBe(0);
      expect(result.days.every((d) => d.activeVersion === 1)).toBe(true);
      // The loop's picks are the active model's: with ctr-v1 active all along, they are the frozen model's.
      for (const d of result.days) for (const p of d.cohort) expect(p.loop).toBe(p.frozen);
    }
  }, 300_000);

  it('draws a market that agrees with the simulator only as far as asked', () => {
    const corr = (a: number[], b: number[]) => {
      const ma = a.reduce((s, x) => s + x, 0) / a.length;
      const mb = b.reduce((s, x) => s + x, 0) / b.length;
      const cov = a.reduce((s, x, i) => s + (x - ma) * (b[i]! - mb), 0);
      return cov / Math.sqrt(a.reduce((s, x) => s + (x - ma) ** 2, 0) * b.reduce((s, x) => s + (x - mb) ** 2, 0));
    };
    const same = Object.values(marketEffects(1, 1));
    const other = Object.values(marketEffects(1, 0));
    expect(corr(same, Object.values(marketEffects(2, 1)))).toBeCloseTo(1, 10);
    expect(Math.abs(corr(same, other))).toBeLessThan(0.9);
    expect(marketEffects(5, 0.3)).toEqual(marketEffects(5, 0.3));
  });
});
