import { z } from 'zod';
import { ModelTrainedOn } from '@shotfarm/shared';

/** Offline metrics of a CTR model on its held-out test logs (see ../eval/ctr-metrics.ts for the definitions). */
export const CtrOfflineMetrics = z.strictObject({
  /** Impression-weighted within-product AUC on the test logs. */
  withinProductAuc: z.number(),
  /** 95% bootstrap interval of that AUC. */
  withinProductAucCi95: z.tuple([z.number(), z.number()]),
  /** Share of significantly different image pairs (two-proportion z-test, 5%) the model orders right. */
  pairwiseAccuracy: z.number(),
  significantPairs: z.int().nonnegative(),
  /** Expected calibration error on the test logs, in CTR units (prediction: the product's training offset where it has one, else `bias`). */
  expectedCalibrationError: z.number(),
  trainImpressions: z.int().nonnegative(),
  trainClicks: z.int().nonnegative(),
  testImpressions: z.int().nonnegative(),
  testClicks: z.int().nonnegative(),
});
export type CtrOfflineMetrics = z.infer<typeof CtrOfflineMetrics>;

/** How a model was trained, for its metadata and card. */
export const CtrTrainingInfo = z.strictObject({
  /** What the logs are: for the shipped model, the click simulator, said plainly. */
  data: z.string(),
  /** Which rows trained it and which tested it. */
  split: z.string(),
  trainer: z.string(),
  l2: z.number().nonnegative(),
  iterations: z.int().nonnegative(),
});
export type CtrTrainingInfo = z.infer<typeof CtrTrainingInfo>;

/**
 * A logistic CTR model as stored beside its ONNX file (`models/<name>-v<version>.json`): everything needed to
 * rebuild the graph, and what it was trained on. Weights apply to standardised features; the per-product offsets
 * of training are not part of it (see `bias`).
 */
export const LogisticCtrModel = z.strictObject({
  kind: z.literal('logistic'),
  /** Model family, as in the `models` table: `ctr`. */
  name: z.string().regex(/^[a-z][a-z0-9-]*$/),
  version: z.int().positive(),
  /** Canonical feature names, in the order of the ONNX input's second axis. */
  featureNames: z.array(z.string().min(1)).min(1),
  mean: z.array(z.number()),
  std: z.array(z.number().positive()),
  weights: z.array(z.number()),
  /**
   * Intercept in place of a product offset: the impression-weighted mean of the training products' offsets. So the
   * served `ctr` = σ(bias + w·z) is the CTR an image would get in a typical training product: compare it between
   * candidates of one product; its absolute level is not that product's CTR.
   */
  bias: z.number(),
  /** End of the training window (data cut-off), not the wall-clock time, so a retrain reproduces the same bytes. */
  trainedAt: z.iso.datetime(),
  /**
   * What the clicks came from (shared `ModelTrainedOn`). Absent in files written before the learning loop: those
   * were all trained on the simulator, and the API reads a missing value as `simulator`.
   */
  trainedOn: ModelTrainedOn.optional(),
  metrics: CtrOfflineMetrics,
  training: CtrTrainingInfo,
}).superRefine((m, ctx) => {
  const f = m.featureNames.length;
  for (const key of ['mean', 'std', 'weights'] as const) {
    if (m[key].length !== f) ctx.addIssue({ code: 'custom', path: [key], message: `${m[key].length} values for ${f} features` });
  }
  if (new Set(m.featureNames).size !== f) ctx.addIssue({ code: 'custom', path: ['featureNames'], message: 'duplicate feature name' });
});
export type LogisticCtrModel = z.infer<typeof LogisticCtrModel>;

/** What the forward pass needs, whichever way the model was stored. */
export type LogisticParams = Pick<LogisticCtrModel, 'featureNames' | 'mean' | 'std' | 'weights' | 'bias'>;

/** The version string score rows record, e.g. `ctr-v1`. */
export function modelVersionOf(m: Pick<LogisticCtrModel, 'name' | 'version'>): string {
  return `${m.name}-v${m.version}`;
}
