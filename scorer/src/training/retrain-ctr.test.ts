import { describe, expect, it } from 'vitest';
import type { TrainingDataRow } from '@shotfarm/shared';
import type { CtrOnnxContents } from '../ctr/onnx-import.ts';
import { compareModels, type PairedRow } from '../eval/model-comparison.ts';
import { SeededRandom } from '@shotfarm/shared/random';
import { retrainCtr } from './retrain-ctr.ts';

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
