import { describe, expect, it } from 'vitest';
import type { QualityLabel } from '@shotfarm/shared';
import { SeededRandom } from '@shotfarm/shared/random';
import { CtrModel } from '../ctr/ctr-model.ts';
import { importCtrOnnx } from '../ctr/onnx-import.ts';
import { sigmoid } from '../ctr/sigmoid.ts';
import { featureNames } from '../features/feature-names.ts';
import { qualityHeadFeatureNames, retrainQuality } from './retrain-quality.ts';

/**
 * Reviewed outputs of `products` products, `perProduct` each, with feature vectors around an ordinary product shot.
 * `verdict` decides each label from the vector and the product's own leniency.
 */
function labelled(seed: number, products: number, perProduct: number, verdict: (v: Record<string, number>, leniency: number, rng: SeededRandom) => 0 | 1): QualityLabel[] {
  const rng = new SeededRandom(seed, 'quality-labels');
  const labels: QualityLabel[] = [];
  for (let p = 0; p < products; p++) {
    const leniency = rng.normal(0, 0.7);
    for (let i = 0; i < perProduct; i++) {
      const v: Record<string, number> = {};
      for (const name of featureNames) v[name] = rng.uniform(0, 1);
      // A few on their own scales, so the composite reads plausible values.
      v.widthPx = 1000; v.heightPx = 1000; v.luminanceMean = rng.uniform(120, 230); v.luminanceP5 = rng.uniform(5, 80);
      v.noiseSigma = rng.uniform(0.5, 6); v.jpegBlockiness = rng.uniform(1, 2); v.contrastRms = rng.uniform(10, 60);
      v.colourCast = rng.uniform(0, 25); v.colourfulness = rng.uniform(5, 60); v.productEdgeSharpness = rng.uniform(0.15, 0.6);
      v.clippedHighlights = rng.uniform(0, 0.2); v.productRemnantShare = rng.uniform(0, 0.01); v.productFound = 1; v.productTouchesEdge = rng.bernoulli(0.2) ? 1 : 0;
      labels.push({ asset: `p${p}-a${i}`, product: `sku-${p}`, label: verdict(v, leniency, rng), features: v });
    }
  }
  return labels;
}

// What designers here reward: a white border and little text, which the composite does not read.
const followsSignal = (v: Record<string, number>, leniency: number, rng: SeededRandom): 0 | 1 =>
  rng.bernoulli(sigmoid(leniency + 4 * (v.borderWhiteRatio! - 0.5) - 3 * (v.textAreaRatio! - 0.5))) ? 1 : 0;
// The shipped CTR model's features (scorer/models/ctr-v1.json), as the trainer gets them.
const ctrV1Features = ['sharpness', 'noiseSigma', 'contrastRms', 'clippedHighlights', 'colourfulness', 'saturationMean', 'borderWhiteRatio', 'fillRatio', 'centroidOffset', 'thirdsDistance', 'subjectCount', 'textAreaRatio'];
const coinFlip = (_v: Record<string, number>, _l: number, rng: SeededRandom): 0 | 1 => (rng.bernoulli(0.5) ? 1 : 0);

const base = { name: 'quality', version: 1, minLabels: 200, featureNames: qualityHeadFeatureNames(ctrV1Features), activeQuality: null, l2: 1e-2, bootstrapSamples: 1000 };

describe('the learned quality head from designers\' labels', () => {
  it('trains nothing with fewer labels than the minimum', () => {
    const labels = labelled(1, 19, 10, followsSignal); // 190 < 200
    expect(() => retrainQuality({ ...base, labels })).toThrow(expect.objectContaining({ code: 'SF_MODEL_TRAINING_DATA_SHORT' }));
    // Labels whose score lacks a feature the head reads do not count towards the minimum.
    const enough = labelled(1, 20, 10, followsSignal);
    const { textAreaRatio: _dropped, ...partial } = enough[0]!.features;
    expect(() => retrainQuality({ ...base, labels: [{ ...enough[0]!, features: partial }, ...enough.slice(1)] })).toThrow(/199 designer label/);
    expect(retrainQuality({ ...base, labels: enough, bootstrapSamples: 200 }).model.name).toBe('quality');
  });

  it('is trained and beats the composite on held-out products when the labels follow a signal in the features', async () => {
    const labels = labelled(2, 40, 10, followsSignal);
    const out = retrainQuality({ ...base, labels });
    expect(out.comparison.againstVersion).toBe(0); // the composite
    expect(out.comparison.decision).toBe('better');
    expect(out.comparison.aucGainCi95[0]).toBeGreaterThan(0);
    expect(out.comparison.candidate.withinProductAuc).toBeGreaterThan(0.7);
    expect(out.model.trainedOn).toBe('labels');
    // The weights point the way the designers lean.
    const w = (name: string) => out.model.weights[out.model.featureNames.indexOf(name)]!;
    expect(w('borderWhiteRatio')).toBeGreaterThan(0);
    expect(w('textAreaRatio')).toBeLessThan(0);
    // The ONNX file is one the scorer's model-loading path serves: σ(bias + w·z), a 0–1 quality score.
    expect(importCtrOnnx(out.onnx).name).toBe('quality');
    const served = await CtrModel.load(out.onnx);
    const [good, bad] = await served.predict([{ ...labels[0]!.features, borderWhiteRatio: 1, textAreaRatio: 0 }, { ...labels[0]!.features, borderWhiteRatio: 0, textAreaRatio: 1 }]);
    expect(good!).toBeGreaterThan(bad!);
    await served.close();
    // Deterministic: the same labels give the same bytes and the same decision.
    expect(retrainQuality({ ...base, labels }).sha256).toBe(out.sha256);
  });

  it('is not promoted when the labels are coin flips', () => {
    let promoted = 0;
    for (let seed = 10; seed < 20; seed++) {
      const out = retrainQuality({ ...base, labels: labelled(seed, 30, 10, coinFlip), bootstrapSamples: 500 });
      if (out.comparison.decision === 'better') promoted++;
    }
    expect(promoted).toBe(0);
  });

  it('is compared with the active learned head once there is one, and a no-better retrain is not promoted over it', () => {
    const labels = labelled(3, 40, 10, followsSignal);
    const first = retrainQuality({ ...base, labels });
    const again = retrainQuality({ ...base, version: 2, labels, activeQuality: importCtrOnnx(first.onnx) });
    expect(again.comparison.againstVersion).toBe(1);
    expect(again.comparison.decision).toBe('not-better'); // the same data: no gain to show
  });
});

describe('the quality head\'s features', () => {
  it('are the CTR model\'s and the composite\'s, each once, in the scorer\'s order', () => {
    const names = qualityHeadFeatureNames(ctrV1Features);
    expect(new Set(names).size).toBe(names.length);
    for (const f of [...ctrV1Features, 'productEdgeSharpness', 'jpegBlockiness', 'luminanceP5']) expect(names).toContain(f);
    expect(names.every((f) => (featureNames as readonly string[]).includes(f))).toBe(true);
    expect(names).toEqual([...names].sort((a, b) => featureNames.indexOf(a as never) - featureNames.indexOf(b as never)));
  });
});
