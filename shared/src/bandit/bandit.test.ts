import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../random/seeded-random.ts';
import {
  allocate, applyFloor, bestArmProbabilities, chiSquareSurvival, decide, fitPriorStrength, pickByWeight, posterior,
  relativeCtr, scorerPrior, srmPValue, wilsonInterval,
} from './index.ts';

const guardrails = { minImpressionsPerArm: 1000, minClicksPerArm: 20, minRuntimeS: 3600, maxRuntimeS: 14 * 86400 };

describe('SeededRandom as the bandit draws from it', () => {
  it('is reproducible per seed and stream, and its Beta draws have the right mean and variance', () => {
    const a = new SeededRandom(7, 's');
    const b = new SeededRandom(7, 's');
    expect([a.next(), a.next()]).toEqual([b.next(), b.next()]);
    expect(new SeededRandom(7, 't').next()).not.toBe(new SeededRandom(7, 's').next());
    const rng = new SeededRandom(3);
    const xs = Array.from({ length: 40_000 }, () => rng.beta(2, 8));
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length;
    expect(mean).toBeCloseTo(0.2, 2);
    expect(variance).toBeCloseTo((2 * 8) / (100 * 11), 3);
    const small = Array.from({ length: 20_000 }, () => rng.beta(0.3, 0.7));
    expect(small.reduce((s, x) => s + x, 0) / small.length).toBeCloseTo(0.3, 1);
  });

  it('draws binomials with the right mean in each regime', () => {
    const rng = new SeededRandom(5);
    for (const [n, p] of [[40, 0.3], [5000, 0.002], [20_000, 0.04]] as const) {
      const xs = Array.from({ length: 4000 }, () => rng.binomial(n, p));
      expect(xs.reduce((s, x) => s + x, 0) / xs.length / (n * p)).toBeCloseTo(1, 1);
    }
  });
});

describe('P(best)', () => {
  it('is 1/k for identical arms and sums to 1', () => {
    const { pBest, pSecond } = bestArmProbabilities([{ alpha: 5, beta: 95 }, { alpha: 5, beta: 95 }, { alpha: 5, beta: 95 }, { alpha: 5, beta: 95 }]);
    for (const p of pBest) expect(p).toBeCloseTo(0.25, 1);
    expect(pBest.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
    expect(pSecond.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
  });

  it('matches the exact two-arm answer', () => {
    // Two arms with 60/1000 and 40/1000 clicks: P(A > B) from the normal approximation ≈ Φ(0.02 / 0.00974) ≈ 0.98.
    const { pBest } = bestArmProbabilities([posterior({ alpha: 1, beta: 1 }, 1000, 60), posterior({ alpha: 1, beta: 1 }, 1000, 40)], { draws: 20_000 });
    expect(pBest[0]).toBeGreaterThan(0.96);
    expect(pBest[0]).toBeLessThan(0.995);
  });
});

describe('allocation weights', () => {
  it('applies the floor p_i = f + (1 − n·f)·w_i', () => {
    expect(applyFloor([1, 0, 0, 0], 0.01)).toEqual([0.01 + 0.96, 0.01, 0.01, 0.01]);
    const w = applyFloor([0.5, 0.3, 0.2], 0.05);
    expect(w.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(() => applyFloor(new Array(20).fill(0.05), 0.1)).toThrow(RangeError);
  });

  it('holds the weights equal during the burn-in, then follows P(best) with every arm above the floor', () => {
    const strong = posterior({ alpha: 1, beta: 1 }, 2000, 200);
    const weak = posterior({ alpha: 1, beta: 1 }, 2000, 40);
    const burning = allocate([{ posterior: strong, impressions: 2000 }, { posterior: weak, impressions: 99 }], { policy: 'thompson' });
    expect(burning.burnIn).toBe(true);
    expect(burning.weights).toEqual([0.5, 0.5]);
    const after = allocate([{ posterior: strong, impressions: 2000 }, { posterior: weak, impressions: 2000 }], { policy: 'thompson', floor: 0.01 });
    expect(after.burnIn).toBe(false);
    expect(after.weights[0]).toBeCloseTo(0.99, 5);
    expect(after.weights[1]).toBeCloseTo(0.01, 5);
  });

  it('gives the runner-up more traffic under top-two Thompson, and keeps fixed weights', () => {
    const arms = [[2000, 120], [2000, 110], [2000, 40]].map(([n, c]) => ({ posterior: posterior({ alpha: 1, beta: 1 }, n!, c!), impressions: n! }));
    const ts = allocate(arms, { policy: 'thompson' });
    const tt = allocate(arms, { policy: 'top-two-thompson' });
    expect(tt.weights[1]).toBeGreaterThan(ts.weights[1]!);
    expect(allocate(arms, { policy: 'fixed', fixedWeights: [2, 1, 1] }).weights).toEqual([0.5, 0.25, 0.25]);
  });

  it('picks by weight', () => {
    expect(pickByWeight([0.2, 0.3, 0.5], 0.1)).toBe(0);
    expect(pickByWeight([0.2, 0.3, 0.5], 0.45)).toBe(1);
    expect(pickByWeight([0.2, 0.3, 0.5], 0.9999)).toBe(2);
  });
});

describe('SRM', () => {
  it('knows the chi-square tail', () => {
    expect(chiSquareSurvival(3.841458820694124, 1)).toBeCloseTo(0.05, 6);
    expect(chiSquareSurvival(16.26623619623813, 3)).toBeCloseTo(0.001, 6);
    expect(chiSquareSurvival(0, 2)).toBe(1);
  });

  it('passes a fair split with moving weights and flags a skewed one', () => {
    const fair = srmPValue([{ weights: [0.5, 0.5], assignments: [1010, 990] }, { weights: [0.8, 0.2], assignments: [1590, 410] }]);
    expect(fair.pValue).toBeGreaterThan(0.1);
    expect(fair.expected).toEqual([2600, 1400]);
    const skewed = srmPValue([{ weights: [0.5, 0.5], assignments: [1100, 900] }, { weights: [0.5, 0.5], assignments: [1100, 900] }]);
    expect(skewed.pValue).toBeLessThan(0.001);
    expect(srmPValue([]).pValue).toBe(1);
  });
});

describe('decision', () => {
  const arm = (impressions: number, clicks: number, pBest: number) => ({ impressions, clicks, pBest });
  it('is ready only with samples, runtime and P(best) ≥ 0.95, and blocked by SRM', () => {
    const base = { runtimeS: 86400, srmPValue: 0.5, guardrails };
    expect(decide({ ...base, arms: [arm(5000, 300, 0.97), arm(5000, 200, 0.03)] })).toEqual({ state: 'ready', reason: 'winner', leader: 0 });
    expect(decide({ ...base, arms: [arm(5000, 300, 0.9), arm(5000, 280, 0.1)] }).reason).toBe('no-clear-winner');
    expect(decide({ ...base, arms: [arm(5000, 300, 0.99), arm(500, 20, 0.01)] }).reason).toBe('min-impressions');
    expect(decide({ ...base, arms: [arm(5000, 300, 0.99), arm(5000, 10, 0.01)] }).reason).toBe('min-clicks');
    expect(decide({ ...base, runtimeS: 60, arms: [arm(5000, 300, 0.99), arm(5000, 100, 0.01)] }).reason).toBe('min-runtime');
    expect(decide({ ...base, srmPValue: 0.0001, arms: [arm(5000, 300, 0.99), arm(5000, 100, 0.01)] }).state).toBe('srm');
    expect(decide({ ...base, runtimeS: 15 * 86400, arms: [arm(5000, 300, 0.6), arm(5000, 290, 0.4)] }).reason).toBe('max-runtime');
  });
});

describe('scorer prior', () => {
  it('rescales predictions to the product baseline and builds Beta(m·p̂, m·(1−p̂))', () => {
    const p = relativeCtr([0.02, 0.04, undefined], 0.06);
    expect(p[0]).toBeCloseTo(0.04, 10);
    expect(p[1]).toBeCloseTo(0.08, 10);
    expect(p[2]).toBeUndefined();
    expect(scorerPrior(0.05, 200)).toEqual({ alpha: 10, beta: 190 });
    expect(scorerPrior(undefined, 200)).toEqual({ alpha: 1, beta: 1 });
  });

  it('fits m by empirical Bayes: a sharp model earns a strong prior, a useless one a weak prior', () => {
    const rng = new SeededRandom(11);
    const arms = (m: number) => Array.from({ length: 400 }, () => {
      const pHat = 0.02 + 0.04 * rng.next();
      const theta = rng.beta(m * pHat, m * (1 - pHat));
      return { pHat, impressions: 20_000, clicks: rng.binomial(20_000, theta) };
    });
    const sharp = fitPriorStrength(arms(300));
    expect(sharp.fitted).toBe(true);
    expect(sharp.strength).toBeGreaterThan(150);
    expect(sharp.strength).toBeLessThan(500);
    expect(fitPriorStrength(arms(5)).strength).toBeLessThan(15);
    expect(fitPriorStrength(arms(300).slice(0, 3))).toMatchObject({ fitted: false, strength: 20 });
  });

  it('gives Wilson intervals', () => {
    const { low, high } = wilsonInterval(50, 1000);
    expect(low).toBeCloseTo(0.0381, 3);
    expect(high).toBeCloseTo(0.0653, 3);
  });
});
