import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { hammingDistance } from '@shotfarm/shared/images';
import { phash } from './phash.ts';
import { syntheticProduct } from './synthetic-images.ts';
import { readWorkingCopy } from './working-copy.ts';

async function hashOf(image: Buffer): Promise<string> {
  const wc = await readWorkingCopy(image);
  return phash(wc.luma, wc.rgb.widthPx, wc.rgb.heightPx);
}

describe('phash', () => {
  it('is 16 hex digits', async () => {
    expect(await hashOf(await syntheticProduct('bottle', 400))).toMatch(/^[0-9a-f]{16}$/);
  });

  it('barely moves when an image is resized or recompressed, and moves a lot for other content', async () => {
    const bottle = await syntheticProduct('bottle', 1000);
    const h = await hashOf(bottle);
    expect(hammingDistance(h, await hashOf(await sharp(bottle).resize(333).jpeg({ quality: 60 }).toBuffer()))).toBeLessThanOrEqual(4);
    expect(hammingDistance(h, await hashOf(await syntheticProduct('ball', 1000)))).toBeGreaterThan(16);
  });
});
