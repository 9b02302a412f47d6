import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type LogisticCtrModel, LogisticCtrModel as LogisticCtrModelSchema } from '../ctr/logistic-ctr-model.ts';
import { exportCtrOnnx } from '../ctr/onnx-export.ts';
import { evaluateCtrFit } from '../eval/evaluate-ctr-fit.ts';
import { ClickSimulator } from '../sim/click-simulator.ts';
import { shippedModelsDir } from '../models/shipped-models.ts';
import { renderModelCard } from './model-card.ts';
import { simulatorProtocol } from './simulator-protocol.ts';
import { splitByDay } from './split-by-day.ts';
import { trainLogistic } from './train-logistic.ts';

/** Where the shipped model lives in the repo. */
export const shippedModelName = 'ctr';
export const shippedModelVersion = 1;

export interface ShippedCtrModel {
  model: LogisticCtrModel;
  onnx: Uint8Array;
  modelCard: string;
}

export interface BuildShippedCtrModelOptions {
  /** Seed of the simulated market. @defaultValue the protocol's seed (1) */
  seed?: number;
}

/**
 * Train the model the repo ships until real click logs exist: logistic regression with per-product offsets on the
 * click simulator at R² = 0.7, evaluated on later days of products it never saw. Pure and deterministic: the same
 * seed gives the same JSON, ONNX bytes and card, so a test can rebuild it and compare.
 */
export function buildShippedCtrModel(options: BuildShippedCtrModelOptions = {}): ShippedCtrModel {
  const p = simulatorProtocol;
  const seed = options.seed ?? p.simulator.seed;
  const sim = new ClickSimulator({ ...p.simulator, seed });
  const data = sim.dataset();
  const split = splitByDay(data, p.firstTestDay, { holdOutProductShare: p.holdOutProductShare, seed });
  const fit = trainLogistic(split.train, { l2: p.l2 });
  const evaluation = evaluateCtrFit(fit, split, { bootstrapSamples: p.bootstrapSamples, seed });
  const cutoff = new Date(Date.parse(`${sim.options.startDate}T00:00:00Z`) + p.firstTestDay * 86_400_000);
  const model = LogisticCtrModelSchema.parse({
    kind: 'logistic',
    name: shippedModelName,
    version: shippedModelVersion,
    featureNames: fit.featureNames,
    mean: fit.mean,
    std: fit.std,
    weights: fit.weights,
    bias: fit.bias,
    trainedAt: cutoff.toISOString(),
    metrics: evaluation.metrics,
    training: {
      data: `SIMULATED clicks, not real shoppers: ${data.description}`,
      split: `train: days 0–${p.firstTestDay - 1} of the products not held out; test: days ${p.firstTestDay}–${sim.options.days - 1} `
        + `of the ${Math.round(p.holdOutProductShare * 100)}% of products held out (images the model never saw)`,
      trainer: 'logistic regression with a per-product offset (fixed effect), binomial loss on aggregated impressions/clicks, '
        + 'L2 on standardised weights, full Newton steps (Schur complement over the offsets)',
      l2: p.l2,
      iterations: fit.iterations,
    },
  });
  const onnx = exportCtrOnnx(model);
  return { model, onnx, modelCard: renderModelCard({ model, onnxBytes: onnx.length, evaluation, simulator: sim.options }) };
}

/** Write `<name>-v<version>.onnx`, `.json` and MODEL_CARD.md; returns the paths written. */
export async function writeShippedCtrModel(built: ShippedCtrModel, dir = shippedModelsDir): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const base = path.join(dir, `${built.model.name}-v${built.model.version}`);
  const files: [string, string | Uint8Array][] = [
    [`${base}.onnx`, built.onnx],
    [`${base}.json`, `${JSON.stringify(built.model, null, 2)}\n`],
    [path.join(dir, 'MODEL_CARD.md'), built.modelCard],
  ];
  for (const [file, data] of files) await writeFile(file, data);
  return files.map(([file]) => file);
}
