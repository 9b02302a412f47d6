import type { BetaParams } from './allocation.ts';

/** The prior strength used until finished experiments allow fitting one: weak, worth a few dozen impressions. */
export const defaultPriorStrength = 20;
/** The empirical-Bayes strength is capped so a model can never outweigh real traffic for long. */
export const maxPriorStrength = 500;
/** Arms of finished experiments needed before m is fitted instead of taken as the default. */
export const minArmsForFit = 8;

/** The flat prior of an unscored arm or of a farm with no active CTR model. */
export const flatPrior: BetaParams = { alpha: 1, beta: 1 };

/** Predicted CTRs are clamped into this range before becoming a prior (a Beta needs 0 < p̂ < 1). */
const ctrRange = [0.0005, 0.5] as const;

/**
 * p̂ of each arm: the scorer's predicted CTR rescaled to the product. The scorer predicts attractiveness on the
 * CTR scale of a typical training product, so the ratios between arms carry the signal; the product's own baseline
 * (its observed CTR in earlier experiments) sets the level. Without a baseline the predictions are used as they are.
 * Unscored arms stay undefined.
 */
export function relativeCtr(predicted: readonly (number | undefined)[], baselineCtr: number | undefined): (number | undefined)[] {
  const known = predicted.filter((p): p is number => p !== undefined);
  if (known.length === 0) return predicted.map(() => undefined);
  const mean = known.reduce((a, b) => a + b, 0) / known.length;
  const scale = baselineCtr !== undefined && mean > 0 ? baselineCtr / mean : 1;
  return predicted.map((p) => (p === undefined ? undefined : Math.min(ctrRange[1], Math.max(ctrRange[0], p * scale))));
}

/** Beta(m·p̂, m·(1−p̂)), or Beta(1,1) without a prediction. */
export function scorerPrior(pHat: number | undefined, strength: number): BetaParams {
  if (pHat === undefined || !(strength > 0)) return flatPrior;
  return { alpha: strength * pHat, beta: strength * (1 - pHat) };
}

/** An arm of a finished experiment: what the scorer predicted (as p̂) and what shoppers did. */
export interface FinishedArm {
  pHat: number;
  impressions: number;
  clicks: number;
}

/**
 * m by empirical Bayes (method of moments): if θ ~ Beta(m·p̂, m·(1−p̂)) then Var(θ − p̂) = p̂(1−p̂)/(m+1). The
 * observed CTR adds binomial noise θ(1−θ)/n, which is subtracted before solving for m. Few arms: the default;
 * the answer is clamped to [1, maxPriorStrength] (a model no better than chance gets m near 1, i.e. little weight).
 */
export function fitPriorStrength(arms: readonly FinishedArm[]): { strength: number; fitted: boolean; arms: number } {
  const usable = arms.filter((a) => a.impressions >= 100 && a.pHat > 0 && a.pHat < 1);
  if (usable.length < minArmsForFit) return { strength: defaultPriorStrength, fitted: false, arms: usable.length };
  let excess = 0;
  let spread = 0;
  for (const a of usable) {
    const observed = a.clicks / a.impressions;
    excess += (observed - a.pHat) ** 2 - (observed * (1 - observed)) / a.impressions;
    spread += a.pHat * (1 - a.pHat);
  }
  if (excess <= 0) return { strength: maxPriorStrength, fitted: true, arms: usable.length };
  const m = spread / excess - 1;
  return { strength: Math.min(maxPriorStrength, Math.max(1, m)), fitted: true, arms: usable.length };
}
