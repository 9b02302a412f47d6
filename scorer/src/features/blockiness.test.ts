import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { jpegBlockiness } from './blockiness.ts';
import { lumaBands } from './luma-bands.ts';
import { flatImage } from './synthetic-images.ts';
import { readWorkingCopy } from './working-copy.ts';

async function blockinessOf(image: Buffer): Promise<number> {
  return jpegBlockiness(lumaBands((await readWorkingCopy(image)).original));
}

/** A smooth two-way gradient with soft blobs: the kind of area where JPEG blocking shows first. */
function smoothScene(): Promise<Buffer> {
  return sharp(Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="600" height="400">
    <defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="#20406a"/><stop offset="1" stop-color="#f0c080"/></linearGradient></defs>
    <rect width="600" height="400" fill="url(#g)"/><circle cx="213" cy="187" r="97" fill="#c05030" opacity="0.6"/></svg>`))
    .blur(3).png().toBuffer();
}

describe('jpegBlockiness', () => {
  it('is 1 for a flat image', async () => {
    expect(await blockinessOf(await flatImage(200, 100))).toBe(1);
  });

  it('is about 1 for a clean image and well above it at JPEG quality 10', async () => {
    const clean = await smoothScene();
    const clean90 = await sharp(clean).jpeg({ quality: 90 }).toBuffer();
    const blocky = await sharp(clean).jpeg({ quality: 10 }).toBuffer();
    expect(await blockinessOf(clean)).toBeCloseTo(1, 1);
    expect(await blockinessOf(clean90)).toBeLessThan(1.3);
    expect(await blockinessOf(blocky)).toBeGreaterThan(1.8);
  });
});
