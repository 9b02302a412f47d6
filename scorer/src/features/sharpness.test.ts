import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { sharpness } from './sharpness.ts';

const products = path.resolve(fileURLToPath(new URL('../../../../shared/fixtures/images/products', import.meta.url)));

describe('sharpness', () => {
  it('ranks every real product photo above its Gaussian-blurred copy', async () => {
    const files = (await readdir(products)).filter((f) => /\.jpe?g$/i.test(f));
    expect(files.length).toBeGreaterThan(3);
    for (const f of files) {
      const original = await readFile(path.join(products, f));
      const blurred = await sharp(original).blur(2).toBuffer();
      expect(await sharpness(original), f).toBeGreaterThan(await sharpness(blurred));
    }
  });

  it('is zero for a flat image', async () => {
    const flat = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#808080' } }).png().toBuffer();
    expect(await sharpness(flat)).toBe(0);
  });
});
