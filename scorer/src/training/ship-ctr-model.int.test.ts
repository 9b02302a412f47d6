import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { CtrModel } from '../ctr/ctr-model.ts';
import { LogisticCtrModel } from '../ctr/logistic-ctr-model.ts';
import { predictLogistic } from '../ctr/predict-logistic.ts';
import { ClickSimulator } from '../sim/click-simulator.ts';
import { shippedModelsDir } from '../models/shipped-models.ts';
import { buildShippedCtrModel } from './ship-ctr-model.ts';

const shipped = async () => ({
  json: LogisticCtrModel.parse(JSON.parse(await readFile(path.join(shippedModelsDir, 'ctr-v1.json'), 'utf8'))),
  onnx: await readFile(path.join(shippedModelsDir, 'ctr-v1.onnx')),
  card: await readFile(path.join(shippedModelsDir, 'MODEL_CARD.md'), 'utf8'),
});

describe('the shipped CTR model (scorer/models/ctr-v1.*)', () => {
  it('is what `train` builds: a retrain with the same seed gives the same weights and metrics', async () => {
    const files = await shipped();
    const built = buildShippedCtrModel();
    // Same machine, same bytes; across platforms libm may differ in the last bits, hence tolerances below.
    expect(Buffer.from(buildShippedCtrModel().onnx).equals(Buffer.from(built.onnx))).toBe(true);
    expect(built.model.featureNames).toEqual(files.json.featureNames);
    built.model.weights.forEach((w, j) => expect(w).toBeCloseTo(files.json.weights[j]!, 8));
    built.model.mean.forEach((m, j) => expect(m).toBeCloseTo(files.json.mean[j]!, 8));
    expect(built.model.bias).toBeCloseTo(files.json.bias, 8);
    expect(built.model.metrics.withinProductAuc).toBeCloseTo(files.json.metrics.withinProductAuc, 6);
    expect(built.model.trainedAt).toBe(files.json.trainedAt);
    expect(built.modelCard).toBe(files.card);
  });

  it('serves from its ONNX file in agreement with its JSON (parity 1e-5 on simulated candidates)', async () => {
    const files = await shipped();
    const model = await CtrModel.load(files.onnx);
    onTestFinished(() => model.close());
    expect(model.modelVersion).toBe('ctr-v1');
    const vectors = new ClickSimulator({ seed: 99, productCount: 100 }).images.map((im) => ({ ...im.features }));
    const runtime = await model.predict(vectors);
    const reference = predictLogistic(files.json, vectors);
    runtime.forEach((p, i) => expect(Math.abs(p - reference[i]!)).toBeLessThan(1e-5));
    expect(files.onnx.length).toBeLessThan(4_000);
  });

  it('says plainly, in its card and metadata, that it was trained on simulated clicks', async () => {
    const files = await shipped();
    expect(files.card).toMatch(/Trained on simulated clicks, not on real shoppers/);
    expect(files.json.training.data).toMatch(/^SIMULATED clicks/);
  });
});
