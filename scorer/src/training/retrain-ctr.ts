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
  const ctrRows: CtrRow[] = usable.map((r) => {
    const imageKey = `${r.sku}\u0000${r.image}`;
    let features = featuresOf.get(imageKey);
    if (!features) { features = featureNames.map((f) => r.features[f]!); featuresOf.set(imageKey, features); }
    return { productId: r.sku, imageId: r.image, day: dayIndex(r.day), impressions: r.impressions, clicks: r.clicks, features };
  });
  const farmRows = usable.filter((r) => r.source === 'farm').length;
  const dataset: CtrDataset = {
    featureNames, rows: ctrRows,
    description: `logged clicks: ${usable.length} image-day rows (${farmRows} counted by /serve and /events, ${usable.length - farmRows} imported), ${days[0]} to ${days[days.length - 1]}`,
  };
  const split = splitByDay(dataset, firstTestDay);
  if (split.train.rows.length === 0 || split.test.rows.length === 0) throw new TaskError('SF_MODEL_TRAINING_DATA_SHORT', 'the time split left no training or no test rows');
  const fit = trainLogistic(split.train, { l2: input.l2 });
  const evaluation = evaluateCtrFit(fit, split, { bootstrapSamples: input.bootstrapSamples });
  const paired = (rows: readonly CtrRow[]): PairedRow[] => rows.map((r) => ({
    productId: r.productId, imageId: r.imageId, impressions: r.impressions, clicks: r.clicks,
    active: imageLogit(input.active, r.features), candidate: imageLogit(fit, r.features),
  }));
  const comparison = { ...compareModels(paired(split.train.rows), paired(split.test.rows), { bootstrapSamples: input.bootstrapSamples }), againstVersion: input.active.version };

  const lastDay = days[days.length - 1]!;
  const model = LogisticCtrModel.parse({
    kind: 'logistic', name: input.name, version: input.version, featureNames: fit.featureNames, mean: fit.mean, std: fit.std, weights: fit.weights, bias: fit.bias,
    trainedAt: new Date(Date.parse(`${lastDay}T00:00:00Z`) + dayMs).toISOString(),
    trainedOn: 'clicks',
    metrics: evaluation.metrics,
    training: {
      data: dataset.description,
      split: `train: ${days[0]} to the day before ${days[days.length - input.holdoutDays]}; test: the last ${input.holdoutDays} day(s), ${days[days.length - input.holdoutDays]} to ${lastDay} (same products, later days)`,
      trainer: 'logistic regression with a per-product offset (fixed effect), binomial loss on aggregated impressions/clicks, L2 on standardised weights, full Newton steps',
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
