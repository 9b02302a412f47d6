import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { degradations } from '../eval/degradations.ts';
import { edgeWidthPx } from './edge-width.ts';
import { lumaBands } from './luma-bands.ts';
import { flatImage } from './synthetic-images.ts';
import { readWorkingCopy } from './working-copy.ts';

const box = { left: 0, top: 0, width: 1, height: 1 };

/** Vertical stripes 60 px wide, so every row crosses several edges off the 8-pixel grid. */
function stripes(dark: string, light: string): Promise<Buffer> {
  const bars = Array.from({ length: 5 }, (_, i) => `<rect x="${21 + i * 120}" width="60" height="200" fill="${dark}"/>`).join('');
  return sharp(Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="640" height="200" shape-rendering="crispEdges">
    <rect width="640" height="200" fill="${light}"/>${bars}</svg>`)).png().toBuffer();
}

async function widthOf(image: Buffer): Promise<number> {
  return edgeWidthPx(lumaBands((await readWorkingCopy(image)).original));
}

describe('edgeWidthPx', () => {
  it('is 0 without edges', async () => {
    expect(await widthOf(await flatImage(300, 100))).toBe(0);
  });

  it('is under a pixel for a pixel-sharp step and about 2.6σ more for a Gaussian blur of σ', async () => {
    const crisp = await stripes('#202020', '#c8c8c8');
    expect(await widthOf(crisp)).toBeLessThan(1);
    const blurred = await sharp(crisp).blur(2).png().toBuffer();
    const width = await widthOf(blurred);
    expect(width).toBeGreaterThan(3.5);
    expect(width).toBeLessThan(7);
  });

  it('does not change when exposure changes (a gain on linear light) and nothing clips', async () => {
    const soft = await sharp(await stripes('#080808', '#4a4a4a')).blur(1.5).png().toBuffer();
    const brighter = await degradations.overExposure(soft, { productBox: box });
    expect(await widthOf(brighter)).toBeCloseTo(await widthOf(soft), 0);
  });
});
