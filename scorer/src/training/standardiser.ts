import type { CtrDataset } from './ctr-dataset.ts';

/** Per-feature mean and standard deviation, stored in the model so the served graph standardises raw inputs itself. */
export interface Standardiser {
  mean: number[];
  std: number[];
}

/** Below this spread a feature is treated as constant: dividing by it would only amplify rounding. */
const minStd = 1e-9;

/**
 * Mean and population standard deviation of each feature over the distinct images of a dataset (each image once,
 * however many days it was logged), so a long-running image does not pull the scale towards itself. A constant
 * feature gets std 1: it then contributes nothing and the graph never divides by zero.
 */
export function fitStandardiser(dataset: CtrDataset): Standardiser {
  const f = dataset.featureNames.length;
  const seen = new Set<string>();
  const sum = new Float64Array(f);
  const sumSq = new Float64Array(f);
  let n = 0;
  for (const r of dataset.rows) {
    if (seen.has(r.imageId)) continue;
    seen.add(r.imageId);
    n++;
    for (let j = 0; j < f; j++) sum[j] = sum[j]! + r.features[j]!;
  }
  if (n === 0) throw new RangeError('cannot standardise an empty dataset');
  const mean = Array.from(sum, (s) => s / n);
  seen.clear();
  for (const r of dataset.rows) {
    if (seen.has(r.imageId)) continue;
    seen.add(r.imageId);
    for (let j = 0; j < f; j++) sumSq[j] = sumSq[j]! + (r.features[j]! - mean[j]!) ** 2;
  }
  const std = Array.from(sumSq, (s) => {
    const sd = Math.sqrt(s / n);
    return sd > minStd ? sd : 1;
  });
  return { mean, std };
}
