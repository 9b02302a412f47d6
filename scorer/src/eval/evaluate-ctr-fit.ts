import type { CtrOfflineMetrics } from '../ctr/logistic-ctr-model.ts';
import { sigmoid } from '../ctr/sigmoid.ts';
import { summariseDataset } from '../training/ctr-dataset.ts';
import type { TimeSplit } from '../training/split-by-day.ts';
import { imageLogit, type LogisticFit } from '../training/train-logistic.ts';
import {
  type AucResult, type CalibrationResult, expectedCalibrationError, type PairwiseAccuracyResult, pairwiseAccuracy,
  withinProductAuc, type WithinProductAucOptions,
} from './ctr-metrics.ts';

export interface CtrFitEvaluation {
  metrics: CtrOfflineMetrics;
  auc: AucResult;
  pairwise: PairwiseAccuracyResult;
  calibration: CalibrationResult;
}

/**
 * Score a fitted model on the test half of a split. Ranking metrics use the image logit w·z alone (an offset would
 * not change any within-product order). Calibration uses what the model would predict for the row: the product's
 * training offset where the product was trained on, else the served intercept `bias`.
 */
export function evaluateCtrFit(fit: LogisticFit, split: TimeSplit, aucOptions: Omit<WithinProductAucOptions, 'confidence'> = {}): CtrFitEvaluation {
  const scored = split.test.rows.map((r) => ({ ...r, score: imageLogit(fit, r.features) }));
  const auc = withinProductAuc(scored, { ...aucOptions, confidence: 0.95 }); // the metrics record a 95% interval
  const pairwise = pairwiseAccuracy(scored);
  const calibration = expectedCalibrationError(scored.map((r) => ({ ...r, predicted: sigmoid((fit.offsets.get(r.productId) ?? fit.bias) + r.score) })));
  const train = summariseDataset(split.train);
  const test = summariseDataset(split.test);
  return {
    metrics: {
      withinProductAuc: auc.auc,
      withinProductAucCi95: auc.ci,
      pairwiseAccuracy: pairwise.accuracy,
      significantPairs: pairwise.significantPairs,
      expectedCalibrationError: calibration.ece,
      trainImpressions: train.impressions,
      trainClicks: train.clicks,
      testImpressions: test.impressions,
      testClicks: test.clicks,
    },
    auc,
    pairwise,
    calibration,
  };
}
