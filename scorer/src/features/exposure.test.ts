import { describe, expect, it } from 'vitest';
import { contrastFeatures } from './contrast.ts';
import { exposureFeatures } from './exposure.ts';
import { splitLumaHistograms } from './luma-histogram.ts';

/** A luma image: `dark` pixels at 0, the rest at 255; the product mask covers the first `product` pixels. */
function split(n: number, dark: number, product: number): { luma: Float32Array; mask: Uint8Array } {
  const luma = new Float32Array(n).fill(255);
  luma.fill(0, 0, dark);
  const mask = new Uint8Array(n);
  mask.fill(1, 0, product);
  return { luma, mask };
}

describe('exposureFeatures and contrastFeatures', () => {
  it('read percentiles, clipping on the product only, and contrast', () => {
    // 1000 pixels: 300 black, 700 white; the product is the first 400 (300 black + 100 white).
    const { luma, mask } = split(1000, 300, 400);
    const { frame, product } = splitLumaHistograms(luma, mask);
    const e = exposureFeatures(frame, product);
    expect(e.luminanceMean).toBeCloseTo(178.5);
    expect(e.luminanceP5).toBe(0);
    expect(e.luminanceP95).toBe(255);
    expect(e.clippedHighlights).toBeCloseTo(0.25); // 100 of the product's 400, not the white background
    expect(e.clippedShadows).toBeCloseTo(0.75);
    expect(e.dynamicRange).toBe(255);
    const c = contrastFeatures(frame, luma);
    expect(c.contrastP5P95).toBe(255);
    expect(c.contrastRms).toBeCloseTo(255 * Math.sqrt(0.3 * 0.7));
  });

  it('are defined for an empty product', () => {
    const { luma, mask } = split(100, 0, 0);
    const { frame, product } = splitLumaHistograms(luma, mask);
    const e = exposureFeatures(frame, product);
    expect(e.clippedHighlights).toBe(0);
    expect(e.dynamicRange).toBe(0);
  });
});
