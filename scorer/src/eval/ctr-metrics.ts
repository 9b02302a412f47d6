import { SeededRandom } from '@shotfarm/shared/random';

/** One aggregated log row with the model's score for its image (any monotone scale: logit or CTR). */
export interface ScoredRow {
  productId: string;
  imageId: string;
  impressions: number;
  clicks: number;
  score: number;
}

export interface WithinProductAucOptions {
  /** Bootstrap resamples for the interval. @defaultValue 1000 */
  bootstrapSamples?: number;
  /** Seed of the resampling, so a report is reproducible. @defaultValue 1 */
  seed?: number;
  /** @defaultValue 0.95 */
  confidence?: number;
  /**
   * What the bootstrap resamples. `product` (the default) treats products as the independent units: right when
   * there are many. `image` resamples images (with all their impressions, in every product they appear in): for
   * logs with only a handful of groups, where a bootstrap over groups would have nothing to resample.
   * @defaultValue 'product'
   */
  bootstrapUnit?: 'product' | 'image';
}

export const defaultWithinProductAucOptions: Readonly<Required<WithinProductAucOptions>> = {
  bootstrapSamples: 1000,
  seed: 1,
  confidence: 0.95,
  bootstrapUnit: 'product',
};

export interface AucResult {
  /** Pooled within-product AUC; NaN when no product has both a click and a non-click. */
  auc: number;
  /** Percentile bootstrap interval at the requested confidence. */
  ci: [number, number];
  /** Clicked and unclicked impressions that entered some pair. */
  positives: number;
  negatives: number;
  /** Products that contributed pairs. */
  products: number;
}

/**
 * Within-product AUC, impression-weighted: over every pair of impressions of the same product, one clicked and one
 * not, the share where the clicked impression's image has the higher score (ties count half). Pooled over
 * products (Σ concordant pairs / Σ pairs), so a product weighs by its clicks × non-clicks. Only images of the same
 * product are compared because the scorer only ever ranks candidates of one product: how popular the product
 * itself is must not count in the model's favour.
 */
export function withinProductAuc(rows: readonly ScoredRow[], options: WithinProductAucOptions = {}): AucResult {
  const o = { ...defaultWithinProductAucOptions, ...options };
  const groups = groupImages(rows);
  let num = 0;
  let den = 0;
  let positives = 0;
  let negatives = 0;
  let products = 0;
  const perProduct: { num: number; den: number }[] = [];
  for (const items of groups.values()) {
    const ones = items.map(() => 1);
    const g = concordance(items, ones);
    perProduct.push(g);
    num += g.num;
    den += g.den;
    if (g.den > 0) {
      products++;
      for (const it of items) {
        positives += it.pos;
        negatives += it.neg;
      }
    }
  }
  const auc = den > 0 ? num / den : Number.NaN;
  const rng = new SeededRandom(o.seed, 'auc-bootstrap');
  const estimates: number[] = [];
  if (o.bootstrapUnit === 'product') {
    for (let b = 0; b < o.bootstrapSamples; b++) {
      let bn = 0;
      let bd = 0;
      for (let k = 0; k < perProduct.length; k++) {
        const g = perProduct[rng.int(perProduct.length)]!;
        bn += g.num;
        bd += g.den;
      }
      if (bd > 0) estimates.push(bn / bd);
    }
  } else {
    const imageIds = [...new Set(rows.map((r) => r.imageId))];
    const index = new Map(imageIds.map((id, i) => [id, i]));
    const multiplicity = new Float64Array(imageIds.length);
    for (let b = 0; b < o.bootstrapSamples; b++) {
      multiplicity.fill(0);
      for (let k = 0; k < imageIds.length; k++) {
        const i = rng.int(imageIds.length);
        multiplicity[i] = multiplicity[i]! + 1;
      }
      let bn = 0;
      let bd = 0;
      for (const items of groups.values()) {
        const g = concordance(items, items.map((it) => multiplicity[index.get(it.imageId)!]!));
        bn += g.num;
        bd += g.den;
      }
      if (bd > 0) estimates.push(bn / bd);
    }
  }
  return { auc, ci: percentileInterval(estimates, o.confidence), positives, negatives, products };
}

export interface PairwiseAccuracyOptions {
  /** |z| of the two-proportion test above which two images' CTRs count as different. @defaultValue 1.959964 (5%, two-sided) */
  zCritical?: number;
}

export interface PairwiseAccuracyResult {
  /** Share of significant pairs the scores order the same way as the observed CTRs (score ties count half). */
  accuracy: number;
  /** Pairs of images of one product whose observed CTRs differ significantly. */
  significantPairs: number;
  /** All pairs of images of one product that both had impressions. */
  testedPairs: number;
}

/**
 * Pairwise accuracy on the pairs that matter: two images of the same product whose observed CTRs differ by a
 * two-proportion z-test (pooled variance). Pairs that the logs cannot tell apart are left out, so this reads as
 * "when the traffic clearly preferred one image, did the model too?".
 */
export function pairwiseAccuracy(rows: readonly ScoredRow[], options: PairwiseAccuracyOptions = {}): PairwiseAccuracyResult {
  const zCritical = options.zCritical ?? 1.959964;
  let correct = 0;
  let significantPairs = 0;
  let testedPairs = 0;
  for (const items of groupImages(rows).values()) {
    for (let i = 0; i < items.length; i++) {
      for (let j = i + 1; j < items.length; j++) {
        const a = items[i]!;
        const b = items[j]!;
        const na = a.pos + a.neg;
        const nb = b.pos + b.neg;
        if (na === 0 || nb === 0) continue;
        testedPairs++;
        const pooled = (a.pos + b.pos) / (na + nb);
        if (pooled <= 0 || pooled >= 1) continue;
        const diff = a.pos / na - b.pos / nb;
        const z = diff / Math.sqrt(pooled * (1 - pooled) * (1 / na + 1 / nb));
        if (Math.abs(z) < zCritical) continue;
        significantPairs++;
        const scoreDiff = a.score - b.score;
        if (scoreDiff === 0) correct += 0.5;
        else if (Math.sign(scoreDiff) === Math.sign(diff)) correct++;
      }
    }
  }
  return { accuracy: significantPairs > 0 ? correct / significantPairs : Number.NaN, significantPairs, testedPairs };
}

/** An aggregated row with a predicted click probability. */
export interface CalibrationRow {
  impressions: number;
  clicks: number;
  predicted: number;
}

export interface CalibrationBin {
  /** Impression-weighted mean prediction in the bin. */
  predicted: number;
  /** Clicks / impressions in the bin. */
  observed: number;
  impressions: number;
}

export interface CalibrationResult {
  /** Σ_bins (impressions share) · |observed − predicted|, in CTR units (0.001 = 0.1 percentage point). */
  ece: number;
  bins: CalibrationBin[];
}

/**
 * Expected calibration error over bins of equal impressions, sorted by prediction. Equal-mass bins rather than
 * equal-width ones because CTRs crowd near a few percent: equal-width bins would put nearly everything in one bin.
 */
export function expectedCalibrationError(rows: readonly CalibrationRow[], binCount = 10): CalibrationResult {
  const sorted = rows.filter((r) => r.impressions > 0).toSorted((x, y) => x.predicted - y.predicted);
  const total = sorted.reduce((s, r) => s + r.impressions, 0);
  if (total === 0) return { ece: Number.NaN, bins: [] };
  const acc = Array.from({ length: binCount }, () => ({ n: 0, clicks: 0, predSum: 0 }));
  let before = 0;
  for (const r of sorted) {
    const b = Math.min(binCount - 1, Math.floor(((before + r.impressions / 2) / total) * binCount));
    const bin = acc[b]!;
    bin.n += r.impressions;
    bin.clicks += r.clicks;
    bin.predSum += r.predicted * r.impressions;
    before += r.impressions;
  }
  const bins = acc.filter((b) => b.n > 0).map((b) => ({ predicted: b.predSum / b.n, observed: b.clicks / b.n, impressions: b.n }));
  const ece = bins.reduce((s, b) => s + (b.impressions / total) * Math.abs(b.observed - b.predicted), 0);
  return { ece, bins };
}

interface ImageTally {
  imageId: string;
  score: number;
  pos: number;
  neg: number;
}

/** Rows summed per image within each product, sorted by score (ascending) for the concordance sweep. */
function groupImages(rows: readonly ScoredRow[]): Map<string, ImageTally[]> {
  const byProduct = new Map<string, Map<string, ImageTally>>();
  for (const r of rows) {
    let images = byProduct.get(r.productId);
    if (!images) byProduct.set(r.productId, (images = new Map()));
    const t = images.get(r.imageId);
    if (t) {
      if (t.score !== r.score) throw new RangeError(`image ${r.imageId} of ${r.productId} has two scores (${t.score}, ${r.score})`);
      t.pos += r.clicks;
      t.neg += r.impressions - r.clicks;
    } else {
      images.set(r.imageId, { imageId: r.imageId, score: r.score, pos: r.clicks, neg: r.impressions - r.clicks });
    }
  }
  return new Map([...byProduct].map(([id, images]) => [id, [...images.values()].toSorted((a, b) => a.score - b.score)]));
}

/** Concordant pairs (ties half) and all pairs of one product, each image counted `weight` times. */
function concordance(items: readonly ImageTally[], weight: readonly number[]): { num: number; den: number } {
  let num = 0;
  let negBelow = 0;
  let pos = 0;
  let neg = 0;
  for (let i = 0; i < items.length; ) {
    let j = i;
    let tiePos = 0;
    let tieNeg = 0;
    while (j < items.length && items[j]!.score === items[i]!.score) {
      tiePos += weight[j]! * items[j]!.pos;
      tieNeg += weight[j]! * items[j]!.neg;
      j++;
    }
    num += tiePos * (negBelow + 0.5 * tieNeg);
    negBelow += tieNeg;
    pos += tiePos;
    neg += tieNeg;
    i = j;
  }
  return { num, den: pos * neg };
}

function percentileInterval(estimates: number[], confidence: number): [number, number] {
  if (estimates.length === 0) return [Number.NaN, Number.NaN];
  const sorted = estimates.toSorted((a, b) => a - b);
  const alpha = (1 - confidence) / 2;
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.max(0, Math.floor(q * sorted.length)))]!;
  return [at(alpha), at(1 - alpha)];
}
