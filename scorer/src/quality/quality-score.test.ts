import { describe, expect, it } from 'vitest';
import { degradations } from '../eval/degradations.ts';
import { extractFeatures } from '../features/extract-features.ts';
import { featureNames, type FeatureVector } from '../features/feature-names.ts';
import { syntheticProduct } from '../features/synthetic-images.ts';
import { compositeFeatureNames, qualityPartNames, qualityScore, qualityWeights } from './quality-score.ts';

/** A clean, sharp, well-exposed white-background product shot's features, by hand. */
function goodShot(overrides: Partial<FeatureVector> = {}): FeatureVector {
  const v = Object.fromEntries(featureNames.map((n) => [n, 0])) as FeatureVector;
  return {
    ...v, widthPx: 1000, heightPx: 1000, productEdgeSharpness: 1 / (1 + 1.2), noiseSigma: 0.5, jpegBlockiness: 1.05,
    clippedHighlights: 0, luminanceP5: 30, luminanceMean: 200, contrastRms: 60, colourCast: 2, saturationMean: 0.3,
    colourfulness: 30, productFound: 1, fillRatio: 0.4, bboxFill: 0.8, centroidOffset: 0.03, productTouchesEdge: 0,
    ...overrides,
  };
}

describe('qualityScore', () => {
  it('weights sum to 1 and every part and the score lie in 0–1', () => {
    expect(Object.values(qualityWeights).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
    for (const v of [goodShot(), goodShot({ productEdgeSharpness: 0, noiseSigma: 40, jpegBlockiness: 9, clippedHighlights: 1 })]) {
      const q = qualityScore(v);
      expect(q.score).toBeGreaterThanOrEqual(0);
      expect(q.score).toBeLessThanOrEqual(1);
      for (const name of qualityPartNames) {
        expect(q.parts[name]).toBeGreaterThanOrEqual(0);
        expect(q.parts[name]).toBeLessThanOrEqual(1);
      }
    }
  });

  it('stays defined when a feature is not finite', () => {
    const q = qualityScore(goodShot({ noiseSigma: Number.NaN, productEdgeSharpness: Number.POSITIVE_INFINITY }));
    expect(Number.isFinite(q.score)).toBe(true);
  });

  it('lowers the part each fault belongs to', () => {
    const base = qualityScore(goodShot());
    const cases: [Partial<FeatureVector>, string][] = [
      [{ productEdgeSharpness: 1 / (1 + 5) }, 'sharpness'],
      [{ noiseSigma: 8 }, 'noise'],
      [{ jpegBlockiness: 2.5 }, 'compression'],
      [{ clippedHighlights: 0.3, luminanceP5: 90, luminanceMean: 235 }, 'exposure'],
      [{ centroidOffset: 0.4 }, 'framing'],
      [{ productTouchesEdge: 1 }, 'completeness'],
    ];
    for (const [fault, part] of cases) {
      const q = qualityScore(goodShot(fault));
      expect(q.parts[part as keyof typeof q.parts], part).toBeLessThan(base.parts[part as keyof typeof base.parts] - 0.1);
      expect(q.score, part).toBeLessThan(base.score);
    }
  });

  it('judges noise and edge width at the zoom size: a large image may have more of both', () => {
    const small = qualityScore(goodShot({ noiseSigma: 5 })).parts.noise;
    const large = qualityScore(goodShot({ noiseSigma: 5, widthPx: 4000, heightPx: 3000 })).parts.noise;
    expect(large).toBeGreaterThan(small);
  });

  it('ranks a synthetic product shot above its blurred, noisy and over-exposed copies', async () => {
    const shot = await syntheticProduct('bottle', 900);
    const box = (await extractFeatures(shot)).mask.bboxPx;
    const original = qualityScore((await extractFeatures(shot)).vector).score;
    for (const name of ['blur', 'noise', 'overExposure', 'jpeg10'] as const) {
      const degraded = qualityScore((await extractFeatures(await degradations[name](shot, { productBox: box }))).vector).score;
      expect(degraded, name).toBeLessThan(original);
    }
  });

  it('names in compositeFeatureNames exactly the features the composite reads', () => {
    // Every feature read while scoring a product shot and a frame with no product found (the two branches).
    const read = new Set<string>();
    const recording = (v: FeatureVector) => new Proxy(v, { get: (target, key) => { if (typeof key === 'string') read.add(key); return Reflect.get(target, key); } });
    qualityScore(recording(goodShot()));
    qualityScore(recording(goodShot({ productFound: 0, fillRatio: 0.9, productTouchesEdge: 1 })));
    expect([...read].sort()).toEqual([...compositeFeatureNames].sort());
  });
});
