import { describe, expect, it } from 'vitest';
import type { TrainingDataRow } from '@shotfarm/shared';
import type { CtrOnnxContents } from '../ctr/onnx-import.ts';
import { compareModels, type PairedRow } from '../eval/model-comparison.ts';
import { SeededRandom } from '@shotfarm/shared/random';
import { allocationWeights, minNewTestProducts, retrainCtr } from './retrain-ctr.ts';

const featureNames = ['sharpness', 'colourfulness', 'fillRatio'];
const active = (weights: number[]): CtrOnnxContents => ({
  name: 'ctr', version: 1, trainedAt: '2026-09-01T00:00:00.000Z', featureNames, mean: [0, 0, 0], std: [1, 1, 1], weights, bias: -3.5,
});

/** Logged rows: products × images × days, clicks binomial from σ(a_p + w·x) (w: the hidden truth). */
function loggedRows(truth: number[], seed: number, opts = { products: 30, images: 5, days: 14, impressions: 400 }): TrainingDataRow[] {
  const rng = new SeededRandom(seed, 'retrain-test');
  const rows: TrainingDataRow[] = [];
  for (let p = 0; p < opts.products; p++) {
    const offset = -3.5 + 0.5 * rng.normal();
    for (let i = 0; i < opts.images; i++) {
      const x = featureNames.map(() => rng.normal());
      const logit = offset + truth.reduce((s, w, j) => s + w * x[j]!, 0);
      const ctr = 1 / (1 + Math.exp(-logit));
      for (let d = 0; d < opts.days; d++) {
        const clicks = rng.binomial(opts.impressions, ctr);
        rows.push({
          day: new Date(Date.UTC(2026, 9, 1 + d)).toISOString().slice(0, 10), sku: `P${p}`, image: `P${p}-I${i}`, impressions: opts.impressions, clicks,
          allocation: null, source: 'farm', features: Object.fromEntries(featureNames.map((f, j) => [f, x[j]!])),
        });
      }
    }
  }
  return rows;
}

const retrain = (rows: TrainingDataRow[], activeWeights: number[]) =>
  retrainCtr({ name: 'ctr', version: 2, rows, active: active(activeWeights), holdoutDays: 4, l2: 1e-4, bootstrapSamples: 400 });

describe('retraining the CTR model on logged clicks', () => {
  it('is better, with both intervals above zero, when the active model has the signs wrong', () => {
    const truth = [0.5, 0.3, -0.4];
    const out = retrain(loggedRows(truth, 1), truth.map((w) => -w));
    expect(out.comparison.decision).toBe('better');
    expect(out.comparison.aucGainCi95[0]).toBeGreaterThan(0);
    expect(out.comparison.logLossGainCi95[0]).toBeGreaterThan(0);
    expect(out.model.trainedOn).toBe('clicks');
    expect(out.metadata).toMatchObject({ dataWindow: { from: '2026-10-01', to: '2026-10-14' }, rows: 30 * 5 * 14, comparison: { againstVersion: 1 } });
    // The trainer recovers the truth's direction.
    out.model.weights.forEach((w, j) => expect(Math.sign(w)).toBe(Math.sign(truth[j]!)));
  });

  it('is not promoted when it is worse than, or no better than, the active model on the held-out days', () => {
    const truth = [0.5, 0.3, -0.4];
    // The active model is the truth itself: a candidate fitted to noisy days cannot beat it.
    expect(retrain(loggedRows(truth, 2), truth).comparison.decision).toBe('not-better');
    // No learnable signal at all (R² = 0): never better.
    for (const seed of [3, 4, 5]) expect(retrain(loggedRows([0, 0, 0], seed), [0.2, -0.1, 0.1]).comparison.decision).toBe('not-better');
  });

  it('refuses data that cannot be split by time', () => {
    const rows = loggedRows([0.5, 0.3, -0.4], 6, { products: 3, images: 2, days: 3, impressions: 50 });
    expect(() => retrain(rows, [0, 0, 0])).toThrow(/need more than the 4 held out/);
  });
});

describe('what the retrain tests on and how it weighs rows', () => {
  /** Products launched a few a day, each logged for three days: the learning loop's traffic. */
  function launches(truth: number[], seed: number, perDay: number): TrainingDataRow[] {
    const rows: TrainingDataRow[] = [];
    for (let d = 0; d < 12; d++) {
      for (const r of loggedRows(truth, seed * 100 + d, { products: perDay, images: 4, days: 3, impressions: 300 })) {
        const day = new Date(Date.UTC(2026, 9, 1 + d + Number(r.day.slice(8, 10)) - 1)).toISOString().slice(0, 10);
        rows.push({ ...r, day, sku: `D${d}-${r.sku}`, image: `D${d}-${r.image}` });
      }
    }
    return rows;
  }

  it('tests only the products first seen on the held-out days when there are enough of them', () => {
    const out = retrain(launches([0.5, 0.3, -0.4], 7, 5), [0, 0, 0]);
    // The last two launches (days 11 and 12 of data ending on day 14) fall in the 4 held-out days: 2 × 5 products first
    // seen then; the products launched earlier and still logged on those days are left out of the test.
    expect(out.comparison.products).toBe(2 * 5);
    expect(String((out.metadata.training as { split: string }).split)).toMatch(/the 10 products first seen on those days/);
    expect(2 * 5).toBeGreaterThanOrEqual(minNewTestProducts);
    // Too few new products: every product's later days are tested.
    const few = retrain(launches([0.5, 0.3, -0.4], 8, 1), [0, 0, 0]);
    expect(few.comparison.products).toBe(4); // launches 9 to 12, each logged on a held-out day
    expect(String((few.metadata.training as { split: string }).split)).toMatch(/same products, later days/);
  });

  it('weighs each served image by an even share over the share its experiment gave it, clipped', () => {
    const row = (sku: string, image: string, allocation: number | null): TrainingDataRow => ({
      day: '2026-10-01', sku, image, impressions: 100, clicks: 5, allocation, source: 'farm', features: {},
    });
    const w = allocationWeights([row('A', 'a1', 0.5), row('A', 'a2', 0.25), row('A', 'a3', 0.25), row('B', 'b1', 0.98), row('B', 'b2', 0.02), row('C', 'c1', null)]);
    expect(w[0]).toBeCloseTo((1 / 3) / 0.5, 12);
    expect(w[1]).toBeCloseTo((1 / 3) / 0.25, 12);
    expect(w[3]).toBeCloseTo(0.5 / 0.98, 12);
    expect(w[4]).toBe(5); // 0.5 / 0.02 = 25, clipped
    expect(w[5]).toBe(1); // not served by an experiment
  });

  it('undoes a bandit\'s tilt towards winners when the model cannot be exactly right', () => {
    // The truth bends (a quadratic in fillRatio) where a linear logit cannot follow; a bandit shows each product's
    // best image 70% of the time. Unweighted, the fit chases the winners; weighted, it comes back to the even split's.
    const rng = new SeededRandom(11, 'tilt');
    const even: TrainingDataRow[] = [];
    const tilted: TrainingDataRow[] = [];
    for (let p = 0; p < 150; p++) {
      const offset = -2.5 + 0.3 * rng.normal();
      const images = Array.from({ length: 4 }, () => featureNames.map(() => rng.normal()));
      const logits = images.map((x) => offset + 0.6 * x[0]! + 0.3 * x[1]! - 0.5 * x[2]! * x[2]!);
      const best = logits.indexOf(Math.max(...logits));
      images.forEach((x, i) => {
        const ctr = 1 / (1 + Math.exp(-logits[i]!));
        for (let d = 0; d < 10; d++) {
          const day = new Date(Date.UTC(2026, 9, 1 + d)).toISOString().slice(0, 10);
          const base = { day, sku: `P${p}`, image: `P${p}-I${i}`, source: 'farm' as const, features: Object.fromEntries(featureNames.map((f, j) => [f, x[j]!])) };
          even.push({ ...base, impressions: 500, clicks: rng.binomial(500, ctr), allocation: 0.25 });
          const allocation = i === best ? 0.7 : 0.1;
          const n = Math.round(2000 * allocation);
          tilted.push({ ...base, impressions: n, clicks: rng.binomial(n, ctr), allocation });
        }
      });
    }
    const fit = (rows: TrainingDataRow[]) => retrain(rows, [0, 0, 0]).model.weights;
    const target = fit(even);
    const distance = (w: number[]) => Math.hypot(...w.map((x, j) => x - target[j]!));
    const weighted = distance(fit(tilted));
    const unweighted = distance(fit(tilted.map((r) => ({ ...r, allocation: null }))));
    expect(weighted).toBeLessThan(unweighted);
  });
});

describe('the paired comparison', () => {
  it('pairs the two models on the same products and is deterministic', () => {
    const rows: PairedRow[] = [];
    for (let p = 0; p < 20; p++) for (let i = 0; i < 4; i++) rows.push({ productId: `p${p}`, imageId: `i${i}`, impressions: 1000, clicks: 20 + 10 * i, active: -i, candidate: i });
    const a = compareModels(rows, rows, { bootstrapSamples: 200, seed: 9 });
    expect(a).toEqual(compareModels(rows, rows, { bootstrapSamples: 200, seed: 9 }));
    expect(a.decision).toBe('better');
    expect(a.candidate.withinProductAuc).toBeGreaterThan(0.5);
    expect(a.active.withinProductAuc).toBeLessThan(0.5);
    const swapped = compareModels(rows.map((r) => ({ ...r, active: r.candidate, candidate: r.active })), rows.map((r) => ({ ...r, active: r.candidate, candidate: r.active })), { bootstrapSamples: 200 });
    expect(swapped.decision).toBe('not-better');
    expect(swapped.aucGainCi95[1]).toBeLessThan(0);
  });
});
