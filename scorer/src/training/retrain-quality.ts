import { createHash } from 'node:crypto';
import { TaskError, type ModelComparison, type QualityLabel } from '@shotfarm/shared';
import { LogisticCtrModel } from '../ctr/logistic-ctr-model.ts';
import { exportCtrOnnx } from '../ctr/onnx-export.ts';
import type { CtrOnnxContents } from '../ctr/onnx-import.ts';
import { logit, sigmoid } from '../ctr/sigmoid.ts';
import { compareModels, type PairedRow } from '../eval/model-comparison.ts';
import { expectedCalibrationError, withinProductAuc } from '../eval/ctr-metrics.ts';
import { featureNames as canonicalFeatureNames, type FeatureVector } from '../features/feature-names.ts';
import { compositeFeatureNames, qualityScore } from '../quality/quality-score.ts';
import type { CtrDataset, CtrRow } from './ctr-dataset.ts';
import { imageLogit, trainLogistic } from './train-logistic.ts';

export interface RetrainQualityInput {
  name: string;
  version: number;
  labels: readonly QualityLabel[];
  /** Fewest usable labels to train on (`QUALITY_HEAD_MIN_LABELS`); with fewer nothing is trained. */
  minLabels: number;
  /** The features the head uses (`qualityHeadFeatureNames` of the active CTR model's). */
  featureNames: readonly string[];
  /** The learned quality head serving now, or null: the baseline is then the transparent composite. */
  activeQuality: CtrOnnxContents | null;
  /** L2 on the standardised weights, per label. */
  l2: number;
  bootstrapSamples: number;
  /** Two-sided confidence of the comparison's intervals. @defaultValue 0.95 */
  confidence?: number;
  /** Folds of the cross-validation over products. @defaultValue 5 */
  folds?: number;
}

export interface RetrainedQuality {
  model: LogisticCtrModel;
  onnx: Uint8Array;
  sha256: string;
  metadata: Record<string, unknown>;
  /** `againstVersion` 0: against the composite. */
  comparison: ModelComparison & { againstVersion: number };
}

/** Fewest products in a fold: the comparison's bootstrap resamples products. */
const minProductsPerSide = 2;
/** The composite's score is taken off 0 and 1 before its logit, so a 0 or 1 stays an ordinary (finite) score. */
const compositeClamp = 1e-6;

/**
 * The quality head's features: the CTR model's and the composite's, in the scorer's canonical order. The same vector
 * the scorer already computes for every image; nothing new is measured.
 */
export function qualityHeadFeatureNames(ctrFeatureNames: readonly string[]): string[] {
  const wanted = new Set([...ctrFeatureNames, ...compositeFeatureNames]);
  return [...canonicalFeatureNames.filter((f) => wanted.has(f)), ...[...wanted].filter((f) => !(canonicalFeatureNames as readonly string[]).includes(f))];
}

/** Usable labels: those with every feature the head reads (older scores may lack some). */
export function usableQualityLabels(labels: readonly QualityLabel[], featureNames: readonly string[]): QualityLabel[] {
  return labels.filter((l) => featureNames.every((f) => Number.isFinite(l.features[f])));
}

/**
 * The learned quality head (issue 17): the existing CTR trainer (per-product offset, binomial loss, L2) on designers'
 * verdicts — each reviewed output one "impression", approved = one "click" — so the head learns what makes a designer
 * approve one output of a product over another, from the features the CTR model and the composite read. Products, not
 * outputs, are held out (cross-validation over products), and the candidate is compared with the baseline on the
 * held-out scores by the CTR loop's own paired comparison (within-product AUC and log-loss, bootstrap over products,
 * promoted only when both intervals exclude zero): the baseline is the
 * active learned head, or the transparent composite (its score's logit) while none is active. Below `minLabels`
 * nothing is trained. Pure and deterministic: the same labels give the same bytes and the same decision.
 */
export function retrainQuality(input: RetrainQualityInput): RetrainedQuality {
  const featureNames = [...input.featureNames];
  const usable = usableQualityLabels(input.labels, [...featureNames, ...(input.activeQuality?.featureNames ?? [])]);
  if (usable.length < input.minLabels) {
    throw new TaskError('SF_MODEL_TRAINING_DATA_SHORT', `${usable.length} designer label(s) with every feature; a quality head needs at least ${input.minLabels}`);
  }
  // Products in the order of their ids' hash, dealt round the folds: which products are held out together depends on
  // the products, not on the labels' order.
  const products = [...new Set(usable.map((l) => l.product))]
    .map((p) => ({ p, h: createHash('sha256').update(p).digest('hex') }))
    .sort((a, b) => (a.h < b.h ? -1 : a.h > b.h ? 1 : 0)).map((x) => x.p);
  const folds = Math.min(input.folds ?? 5, Math.floor(products.length / minProductsPerSide));
  if (folds < 2) {
    throw new TaskError('SF_MODEL_TRAINING_DATA_SHORT', `labels of ${products.length} product(s); a quality head needs at least ${2 * minProductsPerSide} to train on some and test on others`);
  }
  const foldOf = new Map(products.map((p, i) => [p, i % folds]));
  const rows: CtrRow[] = usable.map((l) => ({
    productId: l.product, imageId: l.asset, day: 0, impressions: 1, clicks: l.label, features: featureNames.map((f) => l.features[f]!),
  }));
  const approved = usable.reduce((s, l) => s + l.label, 0);
  const description = `designers' verdicts: ${usable.length} reviewed outputs (${approved} approved, ${usable.length - approved} rejected) of ${products.length} products`;
  const dataset = (subset: CtrRow[]): CtrDataset => ({ featureNames, rows: subset, description });
  const baseline = input.activeQuality;
  const baselineLogit = (raw: QualityLabel): number => baseline
    ? imageLogit(baseline, baseline.featureNames.map((f) => raw.features[f]!))
    : logit(Math.min(1 - compositeClamp, Math.max(compositeClamp, qualityScore(raw.features as FeatureVector).score)));
  const byAsset = new Map(usable.map((l) => [`${l.product}\u0000${l.asset}`, l]));

  // Cross-validation over products: each fold's head is trained on the other folds' products and scores its own, which
  // it never saw, so every label is held out once. A few hundred verdicts are too few to spend a third of them on a
  // single test split; scored out of fold, all of them test, and the paired interval over all products is tight enough
  // to decide on. The shipped head is then trained on every label (the procedure is what was evaluated).
  const heldOut: PairedRow[] = [];
  const calibration: { impressions: number; clicks: number; predicted: number }[] = [];
  for (let k = 0; k < folds; k++) {
    const fitK = trainLogistic(dataset(rows.filter((r) => foldOf.get(r.productId) !== k)), { l2: input.l2 });
    for (const r of rows) {
      if (foldOf.get(r.productId) !== k) continue;
      const candidate = imageLogit(fitK, r.features);
      heldOut.push({ productId: r.productId, imageId: r.imageId, impressions: 1, clicks: r.clicks, active: baselineLogit(byAsset.get(`${r.productId}\u0000${r.imageId}`)!), candidate });
      calibration.push({ impressions: 1, clicks: r.clicks, predicted: sigmoid(fitK.bias + candidate) });
    }
  }
  // No training rows: each product's offset is fitted on its own held-out rows, alike for both models (see compareModels).
  const comparison = {
    ...compareModels([], heldOut, { bootstrapSamples: input.bootstrapSamples, confidence: input.confidence ?? 0.95 }),
    againstVersion: baseline?.version ?? 0,
  };
  const auc = withinProductAuc(heldOut.map((r) => ({ ...r, score: r.candidate })), { bootstrapSamples: input.bootstrapSamples, confidence: 0.95 });
  const fit = trainLogistic(dataset(rows), { l2: input.l2 });
  const metrics = {
    withinProductAuc: auc.auc, withinProductAucCi95: auc.ci,
    // One verdict per output: no pair of outputs differs significantly on its own, so pairwise accuracy has no pairs
    // to count and reads as chance (significantPairs 0); the within-product AUC is the head's metric.
    pairwiseAccuracy: 0.5, significantPairs: 0,
    expectedCalibrationError: expectedCalibrationError(calibration).ece,
    trainImpressions: usable.length, trainClicks: approved, testImpressions: heldOut.length, testClicks: heldOut.reduce((s, r) => s + r.clicks, 0),
  };
  const model = LogisticCtrModel.parse({
    kind: 'logistic', name: input.name, version: input.version, featureNames: fit.featureNames, mean: fit.mean, std: fit.std, weights: fit.weights, bias: fit.bias,
    // Not the wall clock: the same labels must give the same bytes.
    trainedAt: new Date(0).toISOString(),
    trainedOn: 'labels',
    metrics,
    training: {
      data: description,
      split: `${folds}-fold cross-validation over products (dealt by the hash of their id): every label scored by a head that never saw its product; metrics and the comparison are on those held-out scores; the shipped head is fitted on all ${usable.length} labels`,
      trainer: 'logistic regression with a per-product offset (fixed effect) on approve = 1 / reject = 0, L2 on standardised weights, full Newton steps',
      l2: input.l2,
      iterations: fit.iterations,
    },
  });
  const onnx = exportCtrOnnx(model);
  return {
    model, onnx, sha256: createHash('sha256').update(onnx).digest('hex'), comparison,
    metadata: { ...model, metrics: { ...model.metrics, logLoss: comparison.candidate.logLoss }, rows: usable.length, comparison },
  };
}
