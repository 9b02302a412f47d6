/**
 * Aggregated click logs, the one shape every CTR trainer and evaluator in the scorer reads: one row per image, per
 * product, per day, with the impressions it got and the clicks they earned. Aggregated rather than per impression
 * because that is how the studio stores exposure and because the binomial loss only needs the counts.
 */
export interface CtrRow {
  /** The group whose images compete for the same traffic; the trainer gives each its own offset. */
  productId: string;
  imageId: string;
  /** Whole days since the start of the log. */
  day: number;
  impressions: number;
  clicks: number;
  /** Raw feature values, in the dataset's `featureNames` order. Rows of one image share one array. */
  features: readonly number[];
  /**
   * Importance weight of the row in the fit (its impressions and clicks count this many times); 1 when absent.
   * The learning loop sets it from the share of traffic an experiment allocated the image (see `retrainCtr`).
   */
  weight?: number;
}

export interface CtrDataset {
  featureNames: readonly string[];
  rows: readonly CtrRow[];
  /** What the logs are and where they came from, carried into the model's metadata and card. */
  description: string;
}

/** Totals of a dataset, for reports. */
export interface CtrDatasetSummary {
  rows: number;
  products: number;
  images: number;
  impressions: number;
  clicks: number;
  firstDay: number;
  lastDay: number;
}

export function summariseDataset(dataset: CtrDataset): CtrDatasetSummary {
  const products = new Set<string>();
  const images = new Set<string>();
  let impressions = 0;
  let clicks = 0;
  let firstDay = Number.POSITIVE_INFINITY;
  let lastDay = Number.NEGATIVE_INFINITY;
  for (const r of dataset.rows) {
    products.add(r.productId);
    images.add(r.imageId);
    impressions += r.impressions;
    clicks += r.clicks;
    firstDay = Math.min(firstDay, r.day);
    lastDay = Math.max(lastDay, r.day);
  }
  return { rows: dataset.rows.length, products: products.size, images: images.size, impressions, clicks, firstDay, lastDay };
}

/**
 * Check the invariants the trainer relies on; throws a RangeError naming the first bad row. Cheap, so loaders call
 * it once at the edge and the numeric code trusts its input.
 */
export function assertValidDataset(dataset: CtrDataset): void {
  const f = dataset.featureNames.length;
  if (f === 0) throw new RangeError('a CTR dataset needs at least one feature');
  dataset.rows.forEach((r, i) => {
    const where = `row ${i} (product ${r.productId}, image ${r.imageId}, day ${r.day})`;
    if (!Number.isInteger(r.impressions) || r.impressions < 0) throw new RangeError(`${where}: impressions ${r.impressions}`);
    if (!Number.isInteger(r.clicks) || r.clicks < 0 || r.clicks > r.impressions) throw new RangeError(`${where}: clicks ${r.clicks} of ${r.impressions}`);
    if (!Number.isInteger(r.day)) throw new RangeError(`${where}: day must be an integer`);
    if (r.features.length !== f) throw new RangeError(`${where}: ${r.features.length} features, expected ${f}`);
    if (!r.features.every(Number.isFinite)) throw new RangeError(`${where}: a feature is not finite`);
  });
}
