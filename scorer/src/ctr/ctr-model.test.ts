import { TaskError } from '@shotfarm/shared';
import { describe, expect, it, onTestFinished } from 'vitest';
import { featureNames } from '../features/feature-names.ts';
import { SeededRandom } from '@shotfarm/shared/random';
import { CtrModel } from './ctr-model.ts';
import { LogisticCtrModel } from './logistic-ctr-model.ts';
import { importCtrOnnx } from './onnx-import.ts';
import { exportCtrOnnx } from './onnx-export.ts';
import { predictLogistic } from './predict-logistic.ts';

/** A model over every canonical feature with random parameters on realistic scales. */
function randomModel(seed: number): LogisticCtrModel {
  const rng = new SeededRandom(seed, 'model');
  const f = featureNames.length;
  return LogisticCtrModel.parse({
    kind: 'logistic', name: 'ctr', version: 7, featureNames: [...featureNames],
    mean: Array.from({ length: f }, () => rng.normal(0, 1) * 10 ** rng.int(4)),
    std: Array.from({ length: f }, () => rng.logNormal(1, 1) * 10 ** rng.int(3)),
    weights: Array.from({ length: f }, () => rng.normal(0, 0.3)),
    bias: -3.3,
    trainedAt: '2026-10-11T00:00:00.000Z',
    metrics: {
      withinProductAuc: 0.77, withinProductAucCi95: [0.75, 0.79], pairwiseAccuracy: 0.86, significantPairs: 100,
      expectedCalibrationError: 0.01, trainImpressions: 1000, trainClicks: 35, testImpressions: 500, testClicks: 17,
    },
    training: { data: 'random parameters for a test', split: 'none', trainer: 'none', l2: 0, iterations: 0 },
  });
}

/** Raw feature vectors around the model's scale, with some far outside it (a sigmoid's saturated ends). */
function randomVectors(model: LogisticCtrModel, n: number, seed: number): Record<string, number>[] {
  const rng = new SeededRandom(seed, 'vectors');
  return Array.from({ length: n }, (_, i) => Object.fromEntries(model.featureNames.map((name, j) =>
    [name, model.mean[j]! + model.std[j]! * rng.normal(0, i % 10 === 0 ? 8 : 1.5)])));
}

describe('CtrModel (onnxruntime) and the TypeScript forward pass', () => {
  it('agree to 1e-5 on random inputs (parity)', async () => {
    const model = randomModel(1);
    const ctr = await CtrModel.load(exportCtrOnnx(model));
    onTestFinished(() => ctr.close());
    const vectors = randomVectors(model, 2_000, 2);
    const runtime = await ctr.predict(vectors);
    const fromFile = ctr.predictTs(vectors);
    const fromJson = predictLogistic(model, vectors);
    expect(runtime).toHaveLength(vectors.length);
    let worst = 0;
    runtime.forEach((p, i) => {
      worst = Math.max(worst, Math.abs(p - fromFile[i]!), Math.abs(p - fromJson[i]!));
    });
    expect(worst).toBeLessThan(1e-5);
    // The inputs really spread the outputs, so the parity is not just "both say 0.03".
    expect(Math.min(...runtime)).toBeLessThan(0.01);
    expect(Math.max(...runtime)).toBeGreaterThan(0.2);
  });

  it('reads name, version and feature order from the file itself', async () => {
    const ctr = await CtrModel.load(exportCtrOnnx(randomModel(3)));
    onTestFinished(() => ctr.close());
    expect(ctr.modelVersion).toBe('ctr-v7');
    expect(ctr.featureNames).toEqual(featureNames);
    expect(ctr.trainedAt).toBe('2026-10-11T00:00:00.000Z');
    expect(await ctr.predict([])).toEqual([]);
  });

  it('fails with SF_SCORE_FAILED on a missing or non-finite feature, never a silent default', async () => {
    const model = randomModel(4);
    const ctr = await CtrModel.load(exportCtrOnnx(model));
    onTestFinished(() => ctr.close());
    const [v] = randomVectors(model, 1, 5);
    const { sharpness: _dropped, ...missing } = v!;
    await expect(ctr.predict([missing])).rejects.toMatchObject({ code: 'SF_SCORE_FAILED', message: expect.stringMatching(/sharpness is missing/) });
    await expect(ctr.predict([{ ...v!, noiseSigma: Number.NaN }])).rejects.toBeInstanceOf(TaskError);
  });

  it('refuses bytes that are not one of our CTR graphs', async () => {
    await expect(CtrModel.load(Buffer.from('not an onnx file at all'))).rejects.toMatchObject({ code: 'SF_SCORE_FAILED' });
  });
});

describe('exportCtrOnnx', () => {
  it('writes the same bytes for the same model, and a small file', () => {
    const a = exportCtrOnnx(randomModel(6));
    expect(Buffer.from(exportCtrOnnx(randomModel(6))).equals(Buffer.from(a))).toBe(true);
    expect(a.length).toBeLessThan(4_000);
  });

  it('round-trips its parameters through the file at float32 precision', () => {
    const model = randomModel(8);
    const back = importCtrOnnx(exportCtrOnnx(model));
    expect(back.featureNames).toEqual(model.featureNames);
    expect(back.version).toBe(model.version);
    back.weights.forEach((w, j) => expect(w).toBe(Math.fround(model.weights[j]!)));
    expect(back.bias).toBe(Math.fround(model.bias));
  });
});
