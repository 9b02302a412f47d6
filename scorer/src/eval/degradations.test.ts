import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { syntheticProduct } from '../features/synthetic-images.ts';
import { cropCutShare, cropWindow, degradationNames, degradations, exposureLut } from './degradations.ts';

describe('degradations', () => {
  it('are deterministic: the same input gives the same bytes', async () => {
    const shot = await syntheticProduct('ball', 300);
    const ctx = { productBox: { left: 80, top: 80, width: 140, height: 140 } };
    for (const name of degradationNames) {
      const [a, b] = await Promise.all([degradations[name](shot, ctx), degradations[name](shot, ctx)]);
      expect(a.equals(b), name).toBe(true);
      const meta = await sharp(a).metadata();
      expect([meta.width, meta.height], name).toEqual([300, 300]);
    }
  });

  it('over-exposes in linear light: black stays black, mid-grey rises 1.5 stops, highlights clip', () => {
    const lut = exposureLut(1.5);
    expect(lut[0]).toBe(0);
    expect(lut[118]).toBeGreaterThan(180); // sRGB 118 ≈ 18 % grey; × 2.83 ≈ 51 % ≈ sRGB 190
    expect(lut[118]).toBeLessThan(200);
    expect(lut[200]).toBe(255);
    for (let v = 1; v < 256; v++) expect(lut[v]).toBeGreaterThanOrEqual(lut[v - 1]!);
  });

  it('crops so that the given share of the product box falls outside, keeping the aspect ratio', () => {
    const box = { left: 200, top: 100, width: 400, height: 300 };
    const w = cropWindow(1000, 800, box);
    expect(w.left).toBe(200 + cropCutShare * 400);
    expect(w.left + w.width).toBe(1000);
    expect(w.width / w.height).toBeCloseTo(1000 / 800, 2);
    expect(w.top + w.height).toBeLessThanOrEqual(800);
  });
});
