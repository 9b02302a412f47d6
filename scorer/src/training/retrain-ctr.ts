import { createHash } from 'node:crypto';
import { TaskError, type ModelComparison, type TrainingDataRow } from '@shotfarm/shared';
import { LogisticCtrModel } from '../ctr/logistic-ctr-model.ts';
import { exportCtrOnnx } from '../ctr/onnx-export.ts';
import type { CtrOnnxContents } from '../ctr/onnx-import.ts';
import { compareModels, type PairedRow } from '../eval/model-comparison.ts';
import { evaluateCtrFit } from '../eval/evaluate-ctr-fit.ts';
import type { CtrDataset, CtrRow } from './ctr-dataset.ts';
import { splitByDay } from './split-by-day.ts';
import { imageLogit, trainLogistic } from './train-logistic.ts';

export interface RetrainCtrInput {
  name: string;
  version: number;
  rows: readonly TrainingDataRow[];
  /** The active model's parameters (read from its ONNX): its features are the candidate's, and it is the baseline. */
  active: CtrOnnxContents;
  holdoutDays: number;
  l2: number;
  bootstrapSamples: number;
  /** Two-sided confidence of the comparison's intervals. @defaultValue 0.95 */
  confidence?: number;
}

export interface RetrainedCtr {
  model: LogisticCtrModel;
  onnx: Uint8Array;
  sha256: string;
  /** What the `models` row stores: the model's JSON plus the data window, row count, log-loss and the comparison. */
  metadata: Record<string, unknown>;
  comparison: ModelComparison & { againstVersion: number };
}

const dayMs = 86_400_000;
/**
 * Fewest products first seen on the held-out days for the comparison to test on them alone (see `retrainCtr`);
 * with fewer, the held-out days of every product are tested, as logs imported from a shop's steady catalogue need.
 */
export const minNewTestProducts = 8;
/** Bounds of an allocation weight: an image shown at 1/20 of an even share must not carry 20× its clicks' noise. */
const allocationWeightRange = [0.2, 5] as const;

/**
 * Importance weights that undo the experiments' allocation. A bandit gives the arm it believes best most of the
 * traffic, and moves that share from period to period. The binomial likelihood of an image's own clicks is unbiased
 * whatever its share, but the fit of a model that cannot be exactly right (a linear logit) is pulled towards the
 * images and days that got the impressions: winners, and the days they were winning on. The scorer is used to rank
 * all of a new product's candidates, each of which matters alike, so each row is weighted by (an even share of the
 * product's traffic that day) / (the share its experiment allocated it): in expectation the weighted log-likelihood
 * is the one an even split would have given (importance weighting for a shift of the design), so changing the
 * allocation changes the fit's variance, not what it estimates. Rows without an allocation (imports, unserved
 * images) keep weight 1; weights are clipped to `allocationWeightRange` to bound the variance.
 */
export function allocationWeights(rows: readonly TrainingDataRow[]): number[] {
  const armsOf = new Map<string, number>();
  for (const r of rows) if (r.allocation !== null) armsOf.set(`${r.sku}\u0000${r.day}`, (armsOf.get(`${r.sku}\u0000${r.day}`) ?? 0) + 1);
  return rows.map((r) => {
    if (r.allocation === null) return 1;
    const even = 1 / armsOf.get(`${r.sku}\u0000${r.day}`)!;
    const w = r.allocation > 0 ? even / r.allocation : allocationWeightRange[1];
    return Math.min(allocationWeightRange[1], Math.max(allocationWeightRange[0], w));
  });
}

/**
 * The learning loop's retrain: the existing trainer (per-product offset, binomial loss, L2) on logged clicks, split
 * by time — the last `holdoutDays` days are held out — then compared with the active model on those same days.
 * Pure and deterministic: the same rows give the same bytes and the same decision.
 */
export function retrainCtr(input: RetrainCtrInput): RetrainedCtr {
  const featureNames = input.active.featureNames;
  const usable = input.rows.filter((r) => r.impressions > 0 && featureNames.every((f) => Number.isFinite(r.features[f])));
  const days = [...new Set(usable.map((r) => r.day))].sort();
  if (days.length <= input.holdoutDays) {
    throw new TaskError('SF_MODEL_TRAINING_DATA_SHORT', `${days.length} day(s) of rows with every feature of ${input.active.name}-v${input.active.version}; need more than the ${input.holdoutDays} held out`);
  }
  const firstDay = Date.parse(`${days[0]}T00:00:00Z`);
  const dayIndex = (day: string) => Math.round((Date.parse(`${day}T00:00:00Z`) - firstDay) / dayMs);
  const firstTestDay = dayIndex(days[days.length - input.holdoutDays]!);
  const featuresOf = new Map<string, number[]>();
  const weights = allocationWeights(usable);
  const ctrRows: CtrRow[] = usable.map((r, i) => {
    const imageKey = `${r.sku}\u0000${r.image}`;
    let features = featuresOf.get(imageKey);
    if (!features) { features = featureNames.map((f) => r.features[f]!); featuresOf.set(imageKey, features); }
    return { productId: r.sku, imageId: r.image, day: dayIndex(r.day), impressions: r.impressions, clicks: r.clicks, features, weight: weights[i]! };
  });
  const farmRows = usable.filter((r) => r.source === 'farm').length;
  const dataset: CtrDataset = {
    featureNames, rows: ctrRows,
    description: `logged clicks: ${usable.length} image-day rows (${farmRows} counted by /serve and /events, ${usable.length - farmRows} imported), ${days[0]} to ${days[days.length - 1]}`,
  };
  // Test on the products first seen on the held-out days when there are enough of them: new candidates are the
  // only images the scorer is asked about, and the same images on both sides of the split would let a candidate
  // win the comparison by fitting those images' own noise through their features (a false promotion when the
  // features explain nothing). With too few new products, every product's later days are tested.
  const firstSeen = new Map<string, number>();
  for (const r of ctrRows) firstSeen.set(r.productId, Math.min(firstSeen.get(r.productId) ?? r.day, r.day));
  const newProducts = new Set([...firstSeen].filter(([, d]) => d >= firstTestDay).map(([p]) => p));
  const byTime = splitByDay(dataset, firstTestDay);
  const split = newProducts.size >= minNewTestProducts
    ? { train: byTime.train, test: { ...byTime.test, rows: byTime.test.rows.filter((r) => newProducts.has(r.productId)), description: `${byTime.test.description}, only the ${newProducts.size} products first seen then` } }
    : byTime;
  if (split.train.rows.length === 0 || split.test.rows.length === 0) throw new TaskError('SF_MODEL_TRAINING_DATA_SHORT', 'the time split left no training or no test rows');
  const fit = trainLogistic(split.train, { l2: input.l2 });
  const evaluation = evaluateCtrFit(fit, split, { bootstrapSamples: input.bootstrapSamples });
  const paired = (rows: readonly CtrRow[]): PairedRow[] => rows.map((r) => ({
    productId: r.productId, imageId: r.imageId, impressions: r.impressions, clicks: r.clicks,
    active: imageLogit(input.active, r.features), candidate: imageLogit(fit, r.features),
  }));
  const comparison = { ...compareModels(paired(split.train.rows), paired(split.test.rows), { bootstrapSamples: input.bootstrapSamples, confidence: input.confidence ?? 0.95 }), againstVersion: input.active.version };

  const lastDay = days[days.length - 1]!;
  const model = LogisticCtrModel.parse({
    kind: 'logistic', name: input.name, version: input.version, featureNames: fit.featureNames, mean: fit.mean, std: fit.std, weights: fit.weights, bias: fit.bias,
    trainedAt: new Date(Date.parse(`${lastDay}T00:00:00Z`) + dayMs).toISOString(),
    trainedOn: 'clicks',
    metrics: evaluation.metrics,
    training: {
      data: dataset.description,
      split: `train: ${days[0]} to the day before ${days[days.length - input.holdoutDays]}; test: the last ${input.holdoutDays} day(s), ${days[days.length - input.holdoutDays]} to ${lastDay} `
        + (split === byTime ? '(same products, later days)' : `(the ${newProducts.size} products first seen on those days)`),
      trainer: 'logistic regression with a per-product offset (fixed effect), binomial loss on aggregated impressions/clicks weighted to an even allocation of each product\'s traffic, L2 on standardised weights, full Newton steps',
      l2: input.l2,
      iterations: fit.iterations,
    },
  });
  const onnx = exportCtrOnnx(model);
  return {
    model, onnx, sha256: createHash('sha256').update(onnx).digest('hex'), comparison,
    metadata: {
      ...model,
      metrics: { ...model.metrics, logLoss: comparison.candidate.logLoss },
      dataWindow: { from: days[0], to: lastDay },
      rows: usable.length,
      comparison,
    },
  };
}
