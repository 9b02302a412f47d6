import { describe, expect, it } from 'vitest';
import { sigmoid } from '../ctr/sigmoid.ts';
import { SeededRandom } from '@shotfarm/shared/random';
import type { CtrDataset, CtrRow } from './ctr-dataset.ts';
import { imageLogit, trainLogistic } from './train-logistic.ts';

/**
 * Logs drawn from a known logistic model with product offsets: raw features x_j ~ N(mu_j, sd_j), true weights per
 * raw unit, so the fit's standardised weights should equal trueRaw_j · std_j.
 */
function knownModelLogs(seed: number, opts: { products: number; imagesPerProduct: number; impressionsPerImage: number }) {
  const rng = new SeededRandom(seed, 'known-model');
  const mu = [200, 0.5, 40];
  const sd = [60, 0.15, 10];
  const trueRaw = [0.006, -2, 0.03];
  const offsets = new Map<string, number>();
  const rows: CtrRow[] = [];
  for (let p = 0; p < opts.products; p++) {
    const productId = `p${p}`;
    const a = rng.normal(-3.4, 0.4);
    offsets.set(productId, a);
    for (let k = 0; k < opts.imagesPerProduct; k++) {
      const features = mu.map((m, j) => rng.normal(m, sd[j]!));
      const eta = a + features.reduce((s, x, j) => s + trueRaw[j]! * (x - mu[j]!), 0);
      for (let day = 0; day < 2; day++) {
        const impressions = opts.impressionsPerImage;
        rows.push({ productId, imageId: `${productId}-${k}`, day, impressions, clicks: rng.binomial(impressions, sigmoid(eta)), features });
      }
    }
  }
  const dataset: CtrDataset = { featureNames: ['sharpness', 'fillRatio', 'colourfulness'], rows, description: 'known logistic model' };
  return { dataset, trueRaw, offsets, mu };
}

describe('trainLogistic', () => {
  it('recovers known weights and product offsets from simulated binomial logs', () => {
    const { dataset, trueRaw, offsets, mu } = knownModelLogs(3, { products: 120, imagesPerProduct: 8, impressionsPerImage: 5_000 });
    const fit = trainLogistic(dataset, { l2: 0 });
    expect(fit.converged).toBe(true);
    fit.weights.forEach((w, j) => expect(w / fit.std[j]!).toBeCloseTo(trueRaw[j]!, 2));
    // The fit centres features on their sample mean, the truth on mu: a = a_fit − w·(mean − mu)/std.
    const shift = fit.weights.reduce((s, w, j) => s + (w * (fit.mean[j]! - mu[j]!)) / fit.std[j]!, 0);
    // Each offset rests on ~1–3 thousand clicks (standard error ≈ 0.02–0.03), so judge them together.
    const errors = [...offsets].map(([id, a]) => fit.offsets.get(id)! - shift - a);
    expect(Math.sqrt(errors.reduce((s, e) => s + e * e, 0) / errors.length)).toBeLessThan(0.04);
    expect(Math.max(...errors.map(Math.abs))).toBeLessThan(0.12);
  });

  it('is deterministic: the same logs give bit-identical weights', () => {
    const { dataset } = knownModelLogs(4, { products: 30, imagesPerProduct: 4, impressionsPerImage: 500 });
    expect(trainLogistic(dataset)).toEqual(trainLogistic(dataset));
  });

  it('learns relative CTR only: a product-wide CTR shift moves its offset, not the weights', () => {
    const { dataset } = knownModelLogs(5, { products: 40, imagesPerProduct: 6, impressionsPerImage: 2_000 });
    const base = trainLogistic(dataset, { l2: 0 });
    // Doubling every impression of product p0 while keeping its clicks halves p0's CTR: only a_p0 should move.
    const halved: CtrDataset = { ...dataset, rows: dataset.rows.map((r) => (r.productId === 'p0' ? { ...r, impressions: r.impressions * 2 } : r)) };
    const fit = trainLogistic(halved, { l2: 0 });
    fit.weights.forEach((w, j) => expect(w).toBeCloseTo(base.weights[j]!, 1));
    expect(fit.offsets.get('p0')! - base.offsets.get('p0')!).toBeCloseTo(-Math.log(2), 1);
  });

  it('keeps a product without a single click finite', () => {
    const { dataset } = knownModelLogs(6, { products: 10, imagesPerProduct: 4, impressionsPerImage: 300 });
    const silent: CtrDataset = { ...dataset, rows: dataset.rows.map((r) => (r.productId === 'p1' ? { ...r, clicks: 0 } : r)) };
    const fit = trainLogistic(silent);
    expect(Number.isFinite(fit.offsets.get('p1'))).toBe(true);
    expect(fit.offsets.get('p1')!).toBeLessThan(fit.offsets.get('p2')!);
  });

  it('shrinks the weights towards zero as L2 grows', () => {
    const { dataset } = knownModelLogs(7, { products: 20, imagesPerProduct: 4, impressionsPerImage: 500 });
    const norm = (l2: number) => Math.hypot(...trainLogistic(dataset, { l2 }).weights);
    expect(norm(1)).toBeLessThan(norm(1e-2));
    expect(norm(1e-2)).toBeLessThan(norm(0));
  });

  it('scores an image with w·(x − mean)/std, the part that ranks within a product', () => {
    const fit = { mean: [1, 10], std: [2, 5], weights: [0.5, -1] };
    expect(imageLogit(fit, [3, 20])).toBeCloseTo(0.5 * 1 - 1 * 2, 12);
  });
});
