import { chiSquareSurvival } from './stats.ts';

/** One allocation period: the weights served and the new assignments each arm received while they held. */
export interface SrmPeriod {
  weights: readonly number[];
  assignments: readonly number[];
}

/** Below this p-value the split is declared mismatched (the usual SRM threshold). */
export const srmThreshold = 0.001;

/**
 * Sample-ratio-mismatch check: chi-square of the observed assignments per arm against the counts the period
 * weights imply (Σ_period N_period · w_arm,period), so a bandit's moving weights are not mistaken for a broken split.
 * Returns p = 1 when there is nothing to test (no assignments).
 */
export function srmPValue(periods: readonly SrmPeriod[]): { pValue: number; statistic: number; observed: number[]; expected: number[] } {
  const k = periods[0]?.weights.length ?? 0;
  const observed = new Array<number>(k).fill(0);
  const expected = new Array<number>(k).fill(0);
  for (const p of periods) {
    const total = p.assignments.reduce((a, b) => a + b, 0);
    for (let i = 0; i < k; i++) {
      observed[i]! += p.assignments[i] ?? 0;
      expected[i]! += total * (p.weights[i] ?? 0);
    }
  }
  let statistic = 0;
  let df = -1;
  for (let i = 0; i < k; i++) {
    if (expected[i]! <= 0) continue;
    statistic += (observed[i]! - expected[i]!) ** 2 / expected[i]!;
    df++;
  }
  if (df <= 0) return { pValue: 1, statistic: 0, observed, expected };
  return { pValue: chiSquareSurvival(statistic, df), statistic, observed, expected };
}
