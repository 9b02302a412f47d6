import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { productFidelity } from './fidelity.ts';
import { syntheticProduct } from './synthetic-images.ts';

/** A warm studio backdrop, graded top to bottom, as a scene recipe would make. */
function backdrop(sidePx: number): Promise<Buffer> {
  return sharp(Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${sidePx}" height="${sidePx}">
    <defs><linearGradient id="g" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#f2ece2"/><stop offset="1" stop-color="#cdbfa8"/></linearGradient></defs>
    <rect width="${sidePx}" height="${sidePx}" fill="url(#g)"/></svg>`)).png().toBuffer();
}

/** The product photo scaled and placed on the backdrop; `multiply` lets its white studio background disappear. */
async function place(product: Buffer, widthPx: number, left: number, top: number, heightPx?: number): Promise<Buffer> {
  const scaled = await sharp(product).resize(widthPx, heightPx ?? widthPx, { fit: 'fill' }).png().toBuffer();
  return sharp(await backdrop(1024)).composite([{ input: scaled, left, top, blend: 'multiply' }]).jpeg({ quality: 90 }).toBuffer();
}

describe('productFidelity', () => {
  it('is 1 and unflagged for the same image', async () => {
    const bottle = await syntheticProduct('bottle', 600);
    const f = await productFidelity(bottle, bottle);
    expect(f).toMatchObject({ phashSimilarity: 1, flagged: false });
    expect(f.ssim).toBeCloseTo(1, 2);
  });

  it('finds a faithfully placed product, scaled, moved and relit, and does not flag it', async () => {
    const bottle = await syntheticProduct('bottle', 900);
    for (const output of [
      await place(bottle, 720, 200, 150),
      await place(bottle, 450, 350, 400),
      await sharp(await place(bottle, 720, 120, 250)).linear(0.8, 0).jpeg().toBuffer(),
    ]) {
      const f = await productFidelity(bottle, output);
      expect(f.flagged).toBe(false);
      expect(f.ssim).toBeGreaterThan(0.8);
    }
  });

  it('flags another product, a reshaped one, or a garment that became a person', async () => {
    const bottle = await syntheticProduct('bottle', 900);
    for (const output of [
      await place(await syntheticProduct('mug', 900), 720, 200, 150),
      await place(bottle, 432, 200, 150, 720), // squashed to 60 % of its width
    ]) {
      const f = await productFidelity(bottle, output);
      expect(f.flagged).toBe(true);
      expect(f.ssim).toBeLessThan(0.6);
    }
  });
});
