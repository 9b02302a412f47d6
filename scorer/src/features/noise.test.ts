import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '@shotfarm/shared/images';
import { lumaBands } from './luma-bands.ts';
import { noiseSigma } from './noise.ts';
import { flatImage } from './synthetic-images.ts';
import { readWorkingCopy } from './working-copy.ts';

async function noisyGrey(sigma: number, seed = 7): Promise<Buffer> {
  const w = 400;
  const h = 300;
  const random = mulberry32(seed);
  const data = Buffer.alloc(w * h * 3);
  for (let i = 0; i < w * h; i++) {
    const n = Math.sqrt(-2 * Math.log(Math.max(random(), 1e-12))) * Math.cos(2 * Math.PI * random());
    data.fill(Math.max(0, Math.min(255, Math.round(128 + sigma * n))), i * 3, i * 3 + 3); // grey noise: every channel alike
  }
  return sharp(data, { raw: { width: w, height: h, channels: 3 } }).png().toBuffer();
}

async function sigmaOf(image: Buffer): Promise<number> {
  return noiseSigma(lumaBands((await readWorkingCopy(image)).original));
}

describe('noiseSigma', () => {
  it('is 0 on a flat image', async () => {
    expect(await sigmaOf(await flatImage(300, 200))).toBe(0);
  });

  it('reads the σ of added Gaussian noise, from below (it takes the quietest tenth)', async () => {
    for (const sigma of [4, 12]) {
      const estimate = await sigmaOf(await noisyGrey(sigma));
      expect(estimate).toBeGreaterThan(sigma * 0.75);
      expect(estimate).toBeLessThan(sigma * 1.05);
    }
  });

  it('is not fooled by clean edges', async () => {
    const stripes = await sharp(Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="400" height="300">
      ${Array.from({ length: 10 }, (_, i) => `<rect x="${i * 40}" width="20" height="300" fill="#222"/>`).join('')}</svg>`))
      .flatten({ background: '#fff' }).png().toBuffer();
    expect(await sigmaOf(stripes)).toBeLessThan(0.5);
  });
});
