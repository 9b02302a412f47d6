import { SeededRandom } from '../random/seeded-random.ts';

/** A Beta distribution over an arm's CTR. */
export interface BetaParams {
  alpha: number;
  beta: number;
}

/** Draws of the posterior used for P(best): the issue asks for at least 10,000. */
export const defaultPosteriorDraws = 10_000;
/** Smallest share of traffic any arm keeps (GrowthBook's bandits use 1%). */
export const defaultWeightFloor = 0.01;
/** Every arm needs this many impressions before the weights may leave equal (the burn-in). */
export const defaultBurnInImpressions = 100;

export type AllocationPolicy = 'thompson' | 'top-two-thompson' | 'fixed';

/** Posterior of an arm: prior plus clicks as successes and impressions without a click as failures. */
export function posterior(prior: BetaParams, impressions: number, clicks: number): BetaParams {
  const c = Math.max(0, Math.min(clicks, impressions));
  return { alpha: prior.alpha + c, beta: prior.beta + Math.max(0, impressions - c) };
}

export interface BestArmProbabilities {
  /** P(arm is best) under the joint posterior, estimated from `draws` Monte Carlo draws. */
  pBest: number[];
  /** P(arm is second best): the challenger share of top-two Thompson sampling. */
  pSecond: number[];
}

/**
 * P(best) and P(second best) of each arm by Monte Carlo: draw every arm's CTR from its Beta posterior, count which
 * arm is highest and which next, `draws` times. Seeded, so the same counts give the same answer on every replica.
 */
export function bestArmProbabilities(posteriors: readonly BetaParams[], opts: { draws?: number; seed?: number } = {}): BestArmProbabilities {
  const k = posteriors.length;
  const draws = opts.draws ?? defaultPosteriorDraws;
  const rng = new SeededRandom(opts.seed ?? 1, 'p-best');
  const best = new Array<number>(k).fill(0);
  const second = new Array<number>(k).fill(0);
  const sample = new Float64Array(k);
  for (let d = 0; d < draws; d++) {
    let top = -1;
    let next = -1;
    for (let i = 0; i < k; i++) {
      const x = rng.beta(posteriors[i]!.alpha, posteriors[i]!.beta);
      sample[i] = x;
      if (top < 0 || x > sample[top]!) { next = top; top = i; } else if (next < 0 || x > sample[next]!) next = i;
    }
    best[top]!++;
    if (next >= 0) second[next]!++;
  }
  return { pBest: best.map((n) => n / draws), pSecond: second.map((n) => n / draws) };
}

/** p_i = f + (1 − n·f)·w_i: every arm keeps at least f of the traffic, and the weights still sum to 1. */
export function applyFloor(weights: readonly number[], floor = defaultWeightFloor): number[] {
  const n = weights.length;
  if (n === 0) return [];
  if (floor * n > 1) throw new RangeError(`a floor of ${floor} cannot hold for ${n} arms`);
  const total = weights.reduce((a, b) => a + b, 0);
  const normalised = total > 0 ? weights.map((w) => w / total) : weights.map(() => 1 / n);
  return normalised.map((w) => floor + (1 - n * floor) * w);
}

export interface AllocationArm {
  posterior: BetaParams;
  impressions: number;
}

export interface AllocationOptions {
  policy: AllocationPolicy;
  /** The weights of a `fixed` policy, one per arm (normalised here). */
  fixedWeights?: readonly number[];
  floor?: number;
  burnInImpressions?: number;
  draws?: number;
  seed?: number;
}

export interface Allocation extends BestArmProbabilities {
  /** Traffic shares to serve until the next update, summing to 1. */
  weights: number[];
  /** True while some arm is below the burn-in: the weights are held equal. */
  burnIn: boolean;
}

/**
 * The next period's traffic weights: equal during the burn-in, then P(best) (Thompson) or the average of P(best)
 * and P(second best) (top-two Thompson, so the runner-up keeps being measured), with the floor applied; a fixed
 * policy keeps its weights. P(best) is computed in every case, for the decision.
 */
export function allocate(arms: readonly AllocationArm[], opts: AllocationOptions): Allocation {
  const n = arms.length;
  const probabilities = bestArmProbabilities(arms.map((a) => a.posterior), { draws: opts.draws, seed: opts.seed });
  const burnInImpressions = opts.burnInImpressions ?? defaultBurnInImpressions;
  const burnIn = arms.some((a) => a.impressions < burnInImpressions);
  let weights: number[];
  if (opts.policy === 'fixed') {
    const fixed = opts.fixedWeights ?? arms.map(() => 1);
    if (fixed.length !== n) throw new RangeError(`fixed weights: ${fixed.length} weights for ${n} arms`);
    const total = fixed.reduce((a, b) => a + b, 0);
    weights = fixed.map((w) => (total > 0 ? w / total : 1 / n));
  } else if (burnIn) {
    weights = arms.map(() => 1 / n);
  } else {
    const raw = opts.policy === 'top-two-thompson'
      ? probabilities.pBest.map((p, i) => (p + probabilities.pSecond[i]!) / 2)
      : probabilities.pBest;
    weights = applyFloor(raw, opts.floor ?? defaultWeightFloor);
  }
  return { ...probabilities, weights, burnIn: opts.policy !== 'fixed' && burnIn };
}

/** Pick an index by its weight with one uniform draw u ∈ [0, 1). */
export function pickByWeight(weights: readonly number[], u: number): number {
  let acc = 0;
  for (let i = 0; i < weights.length; i++) {
    acc += weights[i]!;
    if (u < acc) return i;
  }
  return weights.length - 1;
}
