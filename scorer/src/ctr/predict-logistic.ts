import { TaskError } from '@shotfarm/shared';
import type { LogisticParams } from './logistic-ctr-model.ts';
import { sigmoid } from './sigmoid.ts';

/**
 * The model's forward pass in plain TypeScript, the reference the ONNX graph is tested against:
 * ctr = σ(bias + Σ_j w_j · (x_j − mean_j) / std_j) for each vector of raw features.
 */
export function predictLogistic(params: LogisticParams, vectors: readonly Readonly<Record<string, number>>[]): number[] {
  return vectors.map((v, i) => {
    let logit = params.bias;
    params.featureNames.forEach((name, j) => {
      logit += (params.weights[j]! * (featureValue(v, name, i) - params.mean[j]!)) / params.std[j]!;
    });
    return sigmoid(logit);
  });
}

/**
 * One feature of one input vector; a missing or non-finite value is a scorer bug upstream (the extractor promises
 * a finite number for every canonical feature), so it fails the task instead of scoring a silent default.
 */
export function featureValue(vector: Readonly<Record<string, number>>, name: string, index: number): number {
  const x = vector[name];
  if (typeof x !== 'number' || !Number.isFinite(x)) {
    throw new TaskError('SF_SCORE_FAILED', `CTR model input ${index}: feature ${name} is ${x === undefined ? 'missing' : `not finite (${x})`}`);
  }
  return x;
}
