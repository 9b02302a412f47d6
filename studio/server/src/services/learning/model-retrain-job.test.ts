import { describe, expect, it } from 'vitest';
import { comparisonConfidence } from './model-retrain-job.ts';

describe('the confidence of the k-th comparison with one active version', () => {
  it('starts at 95%, rises with each look, and spends at most 5% one-sided over any number of nights', () => {
    expect(comparisonConfidence(1)).toBeCloseTo(0.95, 12);
    expect(comparisonConfidence(0)).toBeCloseTo(0.95, 12); // a rollback can leave newer versions behind: never below the first look's bar
    const looks = Array.from({ length: 365 }, (_, i) => comparisonConfidence(i + 1));
    looks.slice(1).forEach((c, i) => expect(c).toBeGreaterThanOrEqual(looks[i]!));
    // One-sided error of a look: half of 1 − confidence. A fixed 95% would spend 0.025 a night, 9 in a year.
    const spent = looks.slice(0, 31).reduce((s, c) => s + (1 - c) / 2, 0);
    expect(spent).toBeLessThanOrEqual(0.05);
    expect(spent).toBeGreaterThan(0.045);
    // From the 32nd look the bar stays at 99.99%, the finest a 2,000-resample bootstrap resolves: every resample must gain.
    expect(looks.slice(31).every((c) => c === 0.9999)).toBe(true);
    expect(looks[30]).toBeLessThan(0.9999);
  });
});
