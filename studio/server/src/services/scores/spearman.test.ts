import { describe, expect, it } from 'vitest';
import { spearman } from './spearman.ts';

const pairs = (a: number[], b: number[]) => a.map((active, i) => ({ active, shadow: b[i]! }));

describe("Spearman's ρ of shadow against active predictions", () => {
  it('is 1 for the same order, −1 for the reverse, whatever the scale', () => {
    expect(spearman(pairs([0.01, 0.02, 0.03, 0.5], [0.1, 0.2, 0.25, 0.9]))).toBeCloseTo(1, 12);
    expect(spearman(pairs([0.01, 0.02, 0.03, 0.5], [0.9, 0.2, 0.1, 0.05]))).toBeCloseTo(-1, 12);
  });

  it('uses average ranks for ties, and has no value under 3 pairs or without spread', () => {
    // Ranks a = 1, 2.5, 2.5, 4; b = 1, 2, 3, 4 → ρ = 4.5 / sqrt(4.5 · 5).
    expect(spearman(pairs([1, 2, 2, 3], [1, 2, 3, 4]))).toBeCloseTo(4.5 / Math.sqrt(4.5 * 5), 12);
    expect(spearman(pairs([1, 2], [2, 1]))).toBeNull();
    expect(spearman(pairs([1, 1, 1], [1, 2, 3]))).toBeNull();
  });
});
