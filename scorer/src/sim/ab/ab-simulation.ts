import { applyFloor, defaultBurnInImpressions, defaultDecisionThreshold, posterior, relativeCtr, scorerPrior, type BetaParams } from '@shotfarm/shared/bandit';
import { SeededRandom } from '@shotfarm/shared/random';
import { predictLogistic } from '../../ctr/predict-logistic.ts';
import type { LogisticParams } from '../../ctr/logistic-ctr-model.ts';
import { ClickSimulator } from '../click-simulator.ts';
import { gaussianBestArm, normalQuantile } from './gaussian-best-arm.ts';

export const abPolicyNames = ['uniform A/B then pick', 'ε-greedy 0.1', 'Thompson Beta(1,1)', 'Thompson scorer prior', 'top-two Thompson'] as const;
export type AbPolicyName = (typeof abPolicyNames)[number];

/** What one policy did on one product over the horizon. */
export interface ProductOutcome {
  /** Expected clicks lost against always showing the best image, per 1,000 impressions. */
  regretPer1000: number;
  bestShare: number;
  decided: boolean;
  correct: boolean;
  /** Impressions served until the decision (all of them when none came). */
  decisionImpressions: number;
  impressions: number;
}

export interface CellSpec {
  k: number;
  r2: number;
  /** Expected impressions of the product per day (all arms together). */
  dailyImpressions: number;
  products: number;
  days: number;
  periodsPerDay: number;
  seed: number;
  /** Prior strength m fitted by empirical Bayes for this R² (see `fitStrength`). */
  priorStrength: number;
}

/** Relative lift the fixed-horizon A/B is powered to detect (80% power, 5% two-sided, Bonferroni over K−1 comparisons). */
const abMinimumDetectableLift = 0.1;
const dailyTrafficSdLog = 0.15;

/** The fixed-horizon sample size per arm of the classic A/B test at baseline CTR p. */
export function fixedHorizonPerArm(p: number, k: number): number {
  const alpha = 0.05 / Math.max(1, k - 1);
  const z = normalQuantile(1 - alpha / 2) + normalQuantile(0.8);
  const delta = abMinimumDetectableLift * p;
  return Math.ceil((z * z * 2 * p * (1 - p)) / (delta * delta));
}

/**
 * Runs every policy on the same products and the same shoppers (common random numbers: each policy's draws come
 * from a stream seeded by product and period only). Weights are recomputed once per period, as the API does on its
 * cadence, never per impression; an experiment that reaches its decision promotes its arm for the rest of the horizon.
 */
export function simulateCell(spec: CellSpec, model: LogisticParams): Map<AbPolicyName, ProductOutcome[]> {
  const sim = new ClickSimulator({ seed: spec.seed, learnableShare: spec.r2, productCount: spec.products, candidateCounts: [spec.k], days: spec.days });
  const out = new Map<AbPolicyName, ProductOutcome[]>(abPolicyNames.map((n) => [n, []]));
  for (const product of sim.products) {
    const candidates = sim.candidates(product.productId);
    const predicted = predictLogistic(model, candidates.map((c) => c.features));
    const pHat = relativeCtr(predicted, product.baselineCtr);
    const informed = pHat.map((p) => scorerPrior(p, spec.priorStrength));
    const trafficRng = new SeededRandom(spec.seed, `traffic-${product.productId}`);
    const periods: number[] = [];
    for (let d = 0; d < spec.days; d++) {
      const daily = spec.dailyImpressions * Math.exp(dailyTrafficSdLog * trafficRng.normal());
      for (let p = 0; p < spec.periodsPerDay; p++) periods.push(Math.max(0, Math.round(daily / spec.periodsPerDay)));
    }
    for (const name of abPolicyNames) {
      out.get(name)!.push(runPolicy(name, sim, product.productId, product.baselineCtr, periods, spec, name === 'Thompson scorer prior' ? informed : undefined));
    }
  }
  return out;
}

function runPolicy(name: AbPolicyName, sim: ClickSimulator, productId: string, baseline: number, periods: readonly number[], spec: CellSpec, priors: BetaParams[] | undefined): ProductOutcome {
  const ids = sim.candidates(productId).map((c) => c.imageId);
  const k = ids.length;
  const prior = priors ?? ids.map(() => ({ alpha: 1, beta: 1 }));
  const n = new Array<number>(k).fill(0);
  const c = new Array<number>(k).fill(0);
  const rng = new SeededRandom(spec.seed, `${productId}-draws`); // the same stream for every policy
  const horizonPerArm = fixedHorizonPerArm(baseline, k);
  let promoted: number | undefined;
  let decisionImpressions: number | undefined;
  let expectedClicks = 0;
  let bestClicks = 0;
  let bestServed = 0;
  let total = 0;
  let bestArmOverall = 0;
  const meanCtr = ids.map((id) => sim.truth(id).trueCtr);
  meanCtr.forEach((x, i) => { if (x > meanCtr[bestArmOverall]!) bestArmOverall = i; });
  periods.forEach((traffic, t) => {
    const day = Math.floor(t / spec.periodsPerDay);
    let weights: number[];
    if (promoted !== undefined) {
      weights = ids.map((_, i) => (i === promoted ? 1 : 0));
    } else {
      const posteriors = ids.map((_, i) => posterior(prior[i]!, n[i]!, c[i]!));
      const burnIn = n.some((x) => x < defaultBurnInImpressions);
      if (name === 'uniform A/B then pick') weights = ids.map(() => 1 / k);
      else if (name === 'ε-greedy 0.1') {
        let lead = 0;
        posteriors.forEach((p, i) => { if (p.alpha / (p.alpha + p.beta) > posteriors[lead]!.alpha / (posteriors[lead]!.alpha + posteriors[lead]!.beta)) lead = i; });
        weights = ids.map((_, i) => 0.1 / k + (i === lead ? 0.9 : 0));
      } else if (burnIn) weights = ids.map(() => 1 / k);
      else {
        const pBest = gaussianBestArm(posteriors);
        if (name === 'top-two Thompson') {
          // P(second best) from P(best) with the leader removed: the top-two challenger share.
          let lead = 0;
          pBest.forEach((p, i) => { if (p > pBest[lead]!) lead = i; });
          const rest = gaussianBestArm(posteriors.filter((_, i) => i !== lead));
          const second = ids.map((_, i) => (i === lead ? 0 : rest[i < lead ? i : i - 1]!));
          weights = applyFloor(pBest.map((p, i) => (p + second[i]!) / 2));
        } else weights = applyFloor(pBest);
      }
    }
    // Multinomial split of this period's traffic, then binomial clicks at each image's true CTR that day.
    let remaining = traffic;
    let weightLeft = 1;
    for (let i = 0; i < k; i++) {
      const share = weightLeft > 0 ? Math.min(1, weights[i]! / weightLeft) : 0;
      const shown = i === k - 1 ? remaining : rng.binomial(remaining, share);
      remaining -= shown;
      weightLeft -= weights[i]!;
      if (shown === 0) continue;
      const ctr = sim.ctr(ids[i]!, day);
      const clicks = rng.binomial(shown, ctr);
      n[i]! += shown; c[i]! += clicks;
      expectedClicks += shown * ctr;
      if (i === bestArmOverall) bestServed += shown;
      total += shown;
    }
    bestClicks += traffic * Math.max(...ids.map((id) => sim.ctr(id, day)));
    if (promoted !== undefined) return;
    // Decision: the fixed-horizon test at its sample size; the others when P(best) ≥ 0.95 after the burn-in.
    if (name === 'uniform A/B then pick') {
      if (n.every((x) => x >= horizonPerArm)) {
        promoted = argmax(ids.map((_, i) => c[i]! / Math.max(1, n[i]!)));
        decisionImpressions = total;
      }
    } else if (n.every((x) => x >= defaultBurnInImpressions)) {
      const pBest = gaussianBestArm(ids.map((_, i) => posterior(prior[i]!, n[i]!, c[i]!)));
      const lead = argmax(pBest);
      if (pBest[lead]! >= defaultDecisionThreshold) { promoted = lead; decisionImpressions = total; }
    }
  });
  // The fixed-horizon test that never reached its sample size still has to ship something: the best observed arm.
  if (promoted === undefined && name === 'uniform A/B then pick') { promoted = argmax(ids.map((_, i) => c[i]! / Math.max(1, n[i]!))); decisionImpressions = total; }
  return {
    regretPer1000: total > 0 ? ((bestClicks - expectedClicks) / total) * 1000 : 0,
    bestShare: total > 0 ? bestServed / total : 0,
    decided: promoted !== undefined,
    correct: promoted === bestArmOverall,
    decisionImpressions: decisionImpressions ?? total,
    impressions: total,
  };
}

function argmax(xs: readonly number[]): number {
  let best = 0;
  xs.forEach((x, i) => { if (x > xs[best]!) best = i; });
  return best;
}

/**
 * m for the scorer prior, by empirical Bayes on "finished experiments": a separate market of products whose arms got
 * 2,000 uniform impressions each, their p̂ from the model against what shoppers did. As the API fits it from history.
 */
export function fitStrengthFromHistory(r2: number, model: LogisticParams, seed: number, fit: (arms: { pHat: number; impressions: number; clicks: number }[]) => { strength: number }): number {
  const sim = new ClickSimulator({ seed, learnableShare: r2, productCount: 120, candidateCounts: [4, 8, 16], days: 1 });
  const rng = new SeededRandom(seed, 'history');
  const arms: { pHat: number; impressions: number; clicks: number }[] = [];
  for (const p of sim.products) {
    const candidates = sim.candidates(p.productId);
    const pHat = relativeCtr(predictLogistic(model, candidates.map((c) => c.features)), p.baselineCtr);
    candidates.forEach((cand, i) => arms.push({ pHat: pHat[i]!, impressions: 2000, clicks: rng.binomial(2000, sim.truth(cand.imageId).trueCtr) }));
  }
  return fit(arms).strength;
}
