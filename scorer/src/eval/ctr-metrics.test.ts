import { describe, expect, it } from 'vitest';
import { sigmoid } from '../ctr/sigmoid.ts';
import { SeededRandom } from '@shotfarm/shared/random';
import { expectedCalibrationError, pairwiseAccuracy, type ScoredRow, withinProductAuc } from './ctr-metrics.ts';

/** Products of two images with CTRs lo < hi; `score` decides how the model orders them. */
function twoImageProducts(n: number, score: (i: number, better: boolean) => number, seed = 1): ScoredRow[] {
  const rng = new SeededRandom(seed, 'metric-test');
  return Array.from({ length: n }, (_, i) => [
    { productId: `p${i}`, imageId: `p${i}-lo`, impressions: 1000, clicks: rng.binomial(1000, 0.02), score: score(i, false) },
    { productId: `p${i}`, imageId: `p${i}-hi`, impressions: 1000, clicks: rng.binomial(1000, 0.06), score: score(i, true) },
  ]).flat();
}

describe('withinProductAuc', () => {
  it('is 1 for a perfect ranking and 0 for a reversed one, on a log where clicks separate images perfectly', () => {
    const rows: ScoredRow[] = [
      { productId: 'a', imageId: 'a1', impressions: 100, clicks: 0, score: 0.1 },
      { productId: 'a', imageId: 'a2', impressions: 50, clicks: 50, score: 0.9 },
      { productId: 'b', imageId: 'b1', impressions: 30, clicks: 0, score: -5 },
      { productId: 'b', imageId: 'b2', impressions: 10, clicks: 10, score: 7 },
    ];
    expect(withinProductAuc(rows).auc).toBe(1);
    expect(withinProductAuc(rows.map((r) => ({ ...r, score: -r.score }))).auc).toBe(0);
  });

  it('counts ties half, and never compares across products', () => {
    const tied: ScoredRow[] = [
      { productId: 'a', imageId: 'a1', impressions: 100, clicks: 5, score: 1 },
      { productId: 'a', imageId: 'a2', impressions: 100, clicks: 20, score: 1 },
    ];
    expect(withinProductAuc(tied).auc).toBe(0.5);
    // Product b's clicked impressions score above a's non-clicks, but pairs across products must not count.
    const apart: ScoredRow[] = [
      { productId: 'a', imageId: 'a1', impressions: 100, clicks: 0, score: 0 },
      { productId: 'b', imageId: 'b1', impressions: 10, clicks: 10, score: 9 },
    ];
    expect(withinProductAuc(apart).auc).toBeNaN();
  });

  it('equals the impression-pair count by brute force', () => {
    const rng = new SeededRandom(2);
    const rows: ScoredRow[] = Array.from({ length: 12 }, (_, i) => {
      const impressions = 1 + rng.int(6);
      return { productId: `p${i % 3}`, imageId: `i${i}`, impressions, clicks: rng.int(impressions + 1), score: rng.int(4) };
    });
    let concordant = 0;
    let pairs = 0;
    for (const a of rows) for (const b of rows) {
      if (a.productId !== b.productId) continue;
      const pos = a.clicks;
      const neg = b.impressions - b.clicks;
      pairs += pos * neg;
      concordant += pos * neg * (a.score > b.score ? 1 : a.score === b.score ? 0.5 : 0);
    }
    expect(withinProductAuc(rows).auc).toBeCloseTo(concordant / pairs, 12);
  });

  it('is about 0.5 for random scores, with an interval that contains 0.5', () => {
    const rng = new SeededRandom(3, 'scores');
    const r = withinProductAuc(twoImageProducts(400, () => rng.next()));
    expect(r.auc).toBeGreaterThan(0.45);
    expect(r.auc).toBeLessThan(0.55);
    expect(r.ci[0]).toBeLessThan(0.5);
    expect(r.ci[1]).toBeGreaterThan(0.5);
  });

  it('gives an interval that contains the true AUC of a known model', () => {
    // With CTRs 2% and 6% on equal traffic, ranking hi above lo gives AUC = ½ + ½·(P(hi|click) − P(hi|no click)).
    const pHiClick = 0.06 / 0.08;
    const pHiNoClick = 0.94 / (0.94 + 0.98);
    const truth = 0.5 + 0.5 * (pHiClick - pHiNoClick);
    const r = withinProductAuc(twoImageProducts(300, (_, better) => (better ? 1 : 0)), { bootstrapSamples: 500 });
    expect(r.ci[0]).toBeLessThan(truth);
    expect(r.ci[1]).toBeGreaterThan(truth);
    expect(r.ci[1] - r.ci[0]).toBeLessThan(0.05);
  });

  it('can bootstrap over images when there are too few products, and is reproducible', () => {
    const rows = twoImageProducts(1, (_, better) => (better ? 1 : 0)).map((r) => ({ ...r, productId: 'one' }));
    const a = withinProductAuc(rows, { bootstrapUnit: 'image', bootstrapSamples: 200, seed: 9 });
    expect(a).toEqual(withinProductAuc(rows, { bootstrapUnit: 'image', bootstrapSamples: 200, seed: 9 }));
    expect(a.ci[0]).toBeLessThanOrEqual(a.auc);
    expect(a.ci[1]).toBeGreaterThanOrEqual(a.auc);
  });
});

describe('pairwiseAccuracy', () => {
  it('counts only pairs whose CTRs differ significantly, and scores their order', () => {
    const rows: ScoredRow[] = [
      { productId: 'a', imageId: 'x', impressions: 10_000, clicks: 200, score: 0 },
      { productId: 'a', imageId: 'y', impressions: 10_000, clicks: 600, score: 1 }, // clearly better: ordered right
      { productId: 'a', imageId: 'z', impressions: 10_000, clicks: 205, score: 2 }, // indistinguishable from x
    ];
    const r = pairwiseAccuracy(rows);
    expect(r.testedPairs).toBe(3);
    expect(r.significantPairs).toBe(2); // x–y and y–z
    expect(r.accuracy).toBe(0.5); // x<y right; z scored above y, wrong
  });

  it('is 1 for a model that orders every clearly different pair right', () => {
    expect(pairwiseAccuracy(twoImageProducts(50, (_, better) => (better ? 1 : 0))).accuracy).toBe(1);
  });
});

describe('expectedCalibrationError', () => {
  it('is near 0 when clicks are drawn from the predictions', () => {
    const rng = new SeededRandom(4);
    const rows = Array.from({ length: 2_000 }, () => {
      const predicted = sigmoid(rng.normal(-3.3, 0.8));
      return { impressions: 2_000, clicks: rng.binomial(2_000, predicted), predicted };
    });
    expect(expectedCalibrationError(rows).ece).toBeLessThan(0.001);
  });

  it('equals the gap when every prediction is off by the same amount', () => {
    const rows = Array.from({ length: 100 }, (_, i) => ({ impressions: 1_000, clicks: 30 + (i % 3) * 10, predicted: 0.01 + (i % 3) * 0.01 }));
    // Observed 3%, 4%, 5% against predicted 1%, 2%, 3%: two points off everywhere.
    expect(expectedCalibrationError(rows).ece).toBeCloseTo(0.02, 10);
    expect(expectedCalibrationError(rows).bins.length).toBeGreaterThan(1);
  });
});
