import type { ModelComparison } from '@shotfarm/shared';
import { SeededRandom } from '@shotfarm/shared/random';
import { sigmoid } from '../ctr/sigmoid.ts';

/** An aggregated log row with each model's image logit (w·z; the product offset is fitted separately). */
export interface PairedRow {
  productId: string;
  imageId: string;
  impressions: number;
  clicks: number;
  /** Image logit of the active model and of the candidate. */
  active: number;
  candidate: number;
}

export interface CompareOptions {
  bootstrapSamples?: number;
  seed?: number;
  /** Two-sided confidence of the intervals. @defaultValue 0.95 */
  confidence?: number;
}

/**
 * Candidate against active on the same held-out rows. Both metrics are within-product, so a model is judged on
 * what it is used for — ordering one product's candidates:
 * - **AUC**: over impression pairs of one product (a click against a non-click), the share the model orders right
 *   (ties count half), pooled over products by pair count;
 * - **log-loss**: mean binomial log-loss per impression of σ(a_p + s), each model with its own product offsets a_p
 *   fitted on the training rows (on the held-out rows for a product never trained on).
 * Intervals are a paired bootstrap over products (the independent units): each resample scores both models on
 * the same products, so the interval is the difference's own, not two intervals compared.
 */
export function compareModels(train: readonly PairedRow[], test: readonly PairedRow[], options: CompareOptions = {}): ModelComparison {
  const B = options.bootstrapSamples ?? 1000;
  const alpha = (1 - (options.confidence ?? 0.95)) / 2;
  // A product never trained on (a new launch tested on the held-out days) gets each model's offset fitted on its own
  // held-out rows: one nuisance parameter per product, alike for both models, so the comparison stays paired.
  const offsetsActive = new Map([...fitOffsets(test, 'active'), ...fitOffsets(train, 'active')]);
  const offsetsCandidate = new Map([...fitOffsets(test, 'candidate'), ...fitOffsets(train, 'candidate')]);
  const byProduct = new Map<string, PairedRow[]>();
  for (const r of test) {
    if (!offsetsActive.has(r.productId) || r.impressions === 0) continue;
    const list = byProduct.get(r.productId) ?? [];
    list.push(r);
    byProduct.set(r.productId, list);
  }
  // Per product: AUC numerator and pair count, log-loss sum and impressions, for each model.
  const parts = [...byProduct.entries()].map(([productId, rows]) => {
    const a = aucParts(rows, 'active');
    const c = aucParts(rows, 'candidate');
    return {
      aucPairs: a.pairs, aucActive: a.right, aucCandidate: c.right,
      impressions: rows.reduce((s, r) => s + r.impressions, 0),
      llActive: logLossSum(rows, 'active', offsetsActive.get(productId)!),
      llCandidate: logLossSum(rows, 'candidate', offsetsCandidate.get(productId)!),
    };
  });
  const stats = (sample: readonly (typeof parts)[number][]) => {
    let pairs = 0, ra = 0, rc = 0, n = 0, la = 0, lc = 0;
    for (const p of sample) { pairs += p.aucPairs; ra += p.aucActive; rc += p.aucCandidate; n += p.impressions; la += p.llActive; lc += p.llCandidate; }
    return {
      aucActive: pairs > 0 ? ra / pairs : 0.5, aucCandidate: pairs > 0 ? rc / pairs : 0.5,
      logLossActive: n > 0 ? la / n : 0, logLossCandidate: n > 0 ? lc / n : 0,
    };
  };
  const point = stats(parts);
  // Seeded: the same data gives the same interval and the same decision.
  const rng = new SeededRandom(options.seed ?? 17, 'model-comparison');
  const aucDiffs: number[] = [];
  const llDiffs: number[] = [];
  for (let b = 0; b < B && parts.length > 0; b++) {
    const sample = parts.map(() => parts[rng.int(parts.length)]!);
    const s = stats(sample);
    aucDiffs.push(s.aucCandidate - s.aucActive);
    llDiffs.push(s.logLossActive - s.logLossCandidate);
  }
  const interval = (xs: number[]): [number, number] => {
    if (xs.length === 0) return [0, 0];
    const sorted = xs.toSorted((x, y) => x - y);
    return [quantile(sorted, alpha), quantile(sorted, 1 - alpha)];
  };
  const aucGainCi95 = interval(aucDiffs);
  const logLossGainCi95 = interval(llDiffs);
  const better = parts.length >= 2 && aucGainCi95[0] > 0 && logLossGainCi95[0] > 0;
  return {
    products: parts.length,
    impressions: parts.reduce((s, p) => s + p.impressions, 0),
    active: { withinProductAuc: point.aucActive, logLoss: point.logLossActive },
    candidate: { withinProductAuc: point.aucCandidate, logLoss: point.logLossCandidate },
    aucGain: point.aucCandidate - point.aucActive,
    aucGainCi95,
    logLossGain: point.logLossActive - point.logLossCandidate,
    logLossGainCi95,
    bootstrapSamples: aucDiffs.length,
    confidence: options.confidence ?? 0.95,
    decision: better ? 'better' : 'not-better',
  };
}

/** Each product's offset a_p with the image logits fixed: Σ clicks = Σ n·σ(a_p + s), by Newton (a ridge keeps all-zero products finite). */
export function fitOffsets(rows: readonly PairedRow[], model: 'active' | 'candidate'): Map<string, number> {
  const byProduct = new Map<string, PairedRow[]>();
  for (const r of rows) if (r.impressions > 0) byProduct.set(r.productId, [...(byProduct.get(r.productId) ?? []), r]);
  const offsets = new Map<string, number>();
  for (const [productId, list] of byProduct) {
    let a = 0;
    for (let it = 0; it < 50; it++) {
      let g = 1e-3 * a; // a tiny ridge towards 0
      let h = 1e-3;
      for (const r of list) {
        const p = sigmoid(a + r[model]);
        g += r.impressions * p - r.clicks;
        h += r.impressions * p * (1 - p);
      }
      const step = g / h;
      a -= Math.max(-5, Math.min(5, step));
      if (Math.abs(step) < 1e-10) break;
    }
    offsets.set(productId, a);
  }
  return offsets;
}

function aucParts(rows: readonly PairedRow[], model: 'active' | 'candidate'): { pairs: number; right: number } {
  // Each image's clicks against every non-clicked impression of the product (same image: a tie).
  let pairs = 0;
  let right = 0;
  for (const i of rows) {
    if (i.clicks === 0) continue;
    for (const j of rows) {
      const nonClicks = j.impressions - j.clicks;
      if (nonClicks <= 0) continue;
      const w = i.clicks * nonClicks;
      pairs += w;
      right += i[model] > j[model] ? w : i[model] === j[model] ? w / 2 : 0;
    }
  }
  return { pairs, right };
}

function logLossSum(rows: readonly PairedRow[], model: 'active' | 'candidate', offset: number): number {
  let sum = 0;
  for (const r of rows) {
    const p = Math.min(1 - 1e-12, Math.max(1e-12, sigmoid(offset + r[model])));
    sum -= r.clicks * Math.log(p) + (r.impressions - r.clicks) * Math.log(1 - p);
  }
  return sum;
}

function quantile(sorted: readonly number[], q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}
