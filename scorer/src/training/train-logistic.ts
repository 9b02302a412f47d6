import { logit, sigmoid, softplus } from '../ctr/sigmoid.ts';
import { choleskySolve } from './cholesky-solve.ts';
import type { CtrDataset } from './ctr-dataset.ts';
import { fitStandardiser } from './standardiser.ts';

export interface TrainLogisticOptions {
  /** L2 penalty on the weights of the standardised features, per impression of training data. @defaultValue 1e-4 */
  l2?: number;
  /**
   * Pull of every product offset towards the overall logit, in impressions' worth of curvature. Tiny, so the offsets
   * stay fixed effects; it only keeps a product with no clicks at all from running its offset to −∞. @defaultValue 1
   */
  offsetPrior?: number;
  /** @defaultValue 50 */
  maxIterations?: number;
  /** Stop when half the squared Newton decrement (the predicted decrease of the loss) falls below this. @defaultValue 1e-13 */
  tolerance?: number;
}

export const defaultTrainLogisticOptions: Readonly<Required<TrainLogisticOptions>> = {
  l2: 1e-4,
  offsetPrior: 1,
  maxIterations: 50,
  tolerance: 1e-13,
};

/** A fitted logistic CTR model with its per-product offsets. */
export interface LogisticFit {
  featureNames: string[];
  /** Standardisation of the raw features (training images). */
  mean: number[];
  std: number[];
  /** Weights on the standardised features. */
  weights: number[];
  /** Each training product's own logit offset a_p (fixed effect). */
  offsets: ReadonlyMap<string, number>;
  /**
   * The intercept the served model uses in place of an offset: the impression-weighted mean of the training
   * products' offsets, so σ(bias + w·z) reads as "this image's CTR in a typical training product".
   */
  bias: number;
  /** Penalised negative log-likelihood per impression at the optimum (binomial constants left out). */
  loss: number;
  iterations: number;
  converged: boolean;
}

/**
 * Logistic regression with a per-product offset, fitted to aggregated (impressions, clicks) by full Newton steps:
 *
 *   logit P(click | row) = a_product + w · (x − mean) / std
 *
 * loss = Σ_rows [n·softplus(η) − c·η] / N + l2/2 · ‖w‖² + offsetPrior/(2N) · Σ_p (a_p − a₀)².
 *
 * The offsets soak up everything that differs between products (category, price, traffic source), so w learns only
 * what makes one image of a product beat another: the question the scorer answers. The Hessian couples w with each
 * offset but offsets not with each other, so each Newton step eliminates the offsets (Schur complement) and solves
 * a system of one row per feature: exact steps at a cost linear in rows. Deterministic: no random start, no
 * mini-batches, a fixed order of summation.
 */
export function trainLogistic(dataset: CtrDataset, options: TrainLogisticOptions = {}): LogisticFit {
  const o = { ...defaultTrainLogisticOptions, ...options };
  const f = dataset.featureNames.length;
  const rows = dataset.rows.filter((r) => r.impressions > 0);
  if (rows.length === 0) throw new RangeError('no training rows with impressions');
  const { mean, std } = fitStandardiser(dataset);

  // Rows of one image share a feature array, so standardise each image once.
  const zCache = new Map<readonly number[], Float64Array>();
  const z = rows.map((r) => {
    let v = zCache.get(r.features);
    if (!v) {
      v = Float64Array.from(r.features, (x, j) => (x - mean[j]!) / std[j]!);
      zCache.set(r.features, v);
    }
    return v;
  });
  const productIds = [...new Set(rows.map((r) => r.productId))];
  const productIndex = new Map(productIds.map((id, i) => [id, i]));
  const pOf = Int32Array.from(rows, (r) => productIndex.get(r.productId)!);
  // A row's importance weight scales its counts: the weighted binomial log-likelihood (see `CtrRow.weight`).
  const n = Float64Array.from(rows, (r) => r.impressions * (r.weight ?? 1));
  const c = Float64Array.from(rows, (r) => r.clicks * (r.weight ?? 1));
  const totalImpressions = n.reduce((a, b) => a + b, 0);
  const totalClicks = c.reduce((a, b) => a + b, 0);
  const m = productIds.length;
  const inv = 1 / totalImpressions;
  const a0 = logit(Math.min(1 - 1e-6, Math.max(1e-6, totalClicks / totalImpressions)));
  const offsetCurv = o.offsetPrior * inv;

  // Start from each product's own smoothed CTR and zero weights.
  const w = new Float64Array(f);
  const a = new Float64Array(m);
  {
    const pn = new Float64Array(m);
    const pc = new Float64Array(m);
    rows.forEach((_, r) => {
      pn[pOf[r]!] = pn[pOf[r]!]! + n[r]!;
      pc[pOf[r]!] = pc[pOf[r]!]! + c[r]!;
    });
    for (let p = 0; p < m; p++) a[p] = logit((pc[p]! + 0.5) / (pn[p]! + 1));
  }

  const lossAt = (wv: Float64Array, av: Float64Array): number => {
    let s = 0;
    for (let r = 0; r < rows.length; r++) {
      const eta = av[pOf[r]!]! + dot(wv, z[r]!);
      s += n[r]! * softplus(eta) - c[r]! * eta;
    }
    let pen = 0;
    for (let j = 0; j < f; j++) pen += wv[j]! * wv[j]!;
    let offPen = 0;
    for (let p = 0; p < m; p++) offPen += (av[p]! - a0) ** 2;
    return s * inv + 0.5 * o.l2 * pen + 0.5 * offsetCurv * offPen;
  };

  let loss = lossAt(w, a);
  let iterations = 0;
  let converged = false;
  while (iterations < o.maxIterations) {
    iterations++;
    const gw = new Float64Array(f);
    const ga = new Float64Array(m);
    const hww = new Float64Array(f * f);
    const hwa = new Float64Array(m * f); // row p: Σ_{r∈p} h_r z_r
    const daa = new Float64Array(m);
    for (let r = 0; r < rows.length; r++) {
      const p = pOf[r]!;
      const zr = z[r]!;
      const mu = sigmoid(a[p]! + dot(w, zr));
      const resid = (n[r]! * mu - c[r]!) * inv;
      const h = n[r]! * mu * (1 - mu) * inv;
      ga[p] = ga[p]! + resid;
      daa[p] = daa[p]! + h;
      for (let i = 0; i < f; i++) {
        const zi = zr[i]!;
        gw[i] = gw[i]! + resid * zi;
        hwa[p * f + i] = hwa[p * f + i]! + h * zi;
        const hz = h * zi;
        for (let j = 0; j <= i; j++) hww[i * f + j] = hww[i * f + j]! + hz * zr[j]!;
      }
    }
    for (let i = 0; i < f; i++) {
      gw[i] = gw[i]! + o.l2 * w[i]!;
      hww[i * f + i] = hww[i * f + i]! + o.l2;
      for (let j = 0; j < i; j++) hww[j * f + i] = hww[i * f + j]!;
    }
    for (let p = 0; p < m; p++) {
      ga[p] = ga[p]! + offsetCurv * (a[p]! - a0);
      daa[p] = daa[p]! + offsetCurv;
    }
    // Schur complement: S = Hww − Σ_p b_p b_pᵀ / d_p, rhs = −gw + Σ_p b_p ga_p / d_p.
    const s = Float64Array.from(hww);
    const rhs = Float64Array.from(gw, (g) => -g);
    for (let p = 0; p < m; p++) {
      const d = daa[p]!;
      const gp = ga[p]!;
      for (let i = 0; i < f; i++) {
        const bi = hwa[p * f + i]!;
        rhs[i] = rhs[i]! + (bi * gp) / d;
        for (let j = 0; j < f; j++) s[i * f + j] = s[i * f + j]! - (bi * hwa[p * f + j]!) / d;
      }
    }
    const dw = choleskySolve(s, rhs);
    const da = new Float64Array(m);
    for (let p = 0; p < m; p++) {
      let bdw = 0;
      for (let i = 0; i < f; i++) bdw += hwa[p * f + i]! * dw[i]!;
      da[p] = (-ga[p]! - bdw) / daa[p]!;
    }
    let slope = 0; // gᵀd = −(Newton decrement)²
    for (let i = 0; i < f; i++) slope += gw[i]! * dw[i]!;
    for (let p = 0; p < m; p++) slope += ga[p]! * da[p]!;
    if (-slope / 2 < o.tolerance) {
      converged = true;
      break;
    }
    // Backtracking (Armijo): full Newton steps are taken near the optimum, shorter ones only far from it.
    let t = 1;
    let next = loss;
    const wNew = new Float64Array(f);
    const aNew = new Float64Array(m);
    for (let k = 0; k < 40; k++) {
      for (let i = 0; i < f; i++) wNew[i] = w[i]! + t * dw[i]!;
      for (let p = 0; p < m; p++) aNew[p] = a[p]! + t * da[p]!;
      next = lossAt(wNew, aNew);
      if (next <= loss + 1e-4 * t * slope) break;
      t /= 2;
    }
    if (!(next <= loss)) break; // no descent left at float precision: we are at the optimum
    w.set(wNew);
    a.set(aNew);
    loss = next;
  }

  const productImpressions = new Float64Array(m);
  rows.forEach((_, r) => {
    productImpressions[pOf[r]!] = productImpressions[pOf[r]!]! + n[r]!;
  });
  let bias = 0;
  for (let p = 0; p < m; p++) bias += (productImpressions[p]! * a[p]!) / totalImpressions;
  return {
    featureNames: [...dataset.featureNames],
    mean,
    std,
    weights: Array.from(w),
    offsets: new Map(productIds.map((id, p) => [id, a[p]!])),
    bias,
    loss,
    iterations,
    converged,
  };
}

/** The image part of the logit, w · (x − mean)/std: what ranks images within a product. */
export function imageLogit(fit: Pick<LogisticFit, 'mean' | 'std' | 'weights'>, features: readonly number[]): number {
  let s = 0;
  for (let j = 0; j < fit.weights.length; j++) s += (fit.weights[j]! * (features[j]! - fit.mean[j]!)) / fit.std[j]!;
  return s;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}
