import { crc32 } from 'node:zlib';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { FeatureExtractionError } from './feature-extraction-error.ts';
import { flatImage } from './synthetic-images.ts';
import { maxInputPixels, readWorkingCopy, workingSizePx } from './working-copy.ts';

/** A PNG whose header declares `widthPx × heightPx` but which carries the pixels of a 16 × 16 image. */
async function pngClaiming(widthPx: number, heightPx: number): Promise<Buffer> {
  const png = Buffer.from(await flatImage(16, 16));
  png.writeUInt32BE(widthPx, 16);
  png.writeUInt32BE(heightPx, 20);
  png.writeUInt32BE(crc32(png.subarray(12, 29)) >>> 0, 29); // IHDR's CRC, so only the size is a lie
  return png;
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'no error';
  } catch (e) {
    expect(e).toBeInstanceOf(FeatureExtractionError);
    return (e as FeatureExtractionError).code;
  }
}

describe('readWorkingCopy', () => {
  it('shrinks to the working size, keeps the original, never enlarges', async () => {
    const big = await readWorkingCopy(await flatImage(2000, 1000));
    expect(big.original).toMatchObject({ widthPx: 2000, heightPx: 1000 });
    expect(big.rgb).toMatchObject({ widthPx: workingSizePx, heightPx: 256 });
    expect(big.scale).toBeCloseTo(workingSizePx / 2000);
    const small = await readWorkingCopy(await flatImage(300, 200));
    expect(small.rgb).toMatchObject({ widthPx: 300, heightPx: 200 });
    expect(small.scale).toBe(1);
  });

  it('flattens alpha onto white and keeps it as a mask', async () => {
    const rgba = await sharp({ create: { width: 20, height: 10, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } })
      .png().toBuffer();
    const wc = await readWorkingCopy(rgba);
    expect(wc.alpha).not.toBeNull();
    expect(Array.from(wc.rgb.data.subarray(0, 3))).toEqual([255, 255, 255]);
  });

  it('reads CMYK, 16-bit and greyscale files as 8-bit sRGB', async () => {
    const base = sharp({ create: { width: 32, height: 24, channels: 3, background: '#c04020' } });
    for (const image of [
      await base.clone().toColourspace('cmyk').jpeg().toBuffer(),
      await base.clone().toColourspace('rgb16').png().toBuffer(),
      await base.clone().toColourspace('grey16').png().toBuffer(),
    ]) {
      const wc = await readWorkingCopy(image);
      expect(wc.rgb.data.length).toBe(32 * 24 * 3);
    }
  });

  it('takes the first frame of an animation', async () => {
    const red = await flatImage(24, 16, '#ff0000');
    const green = await flatImage(24, 16, '#00ff00');
    for (const animated of [
      await sharp([red, green], { join: { animated: true } }).gif().toBuffer(),
      await sharp([red, green], { join: { animated: true } }).webp({ lossless: true }).toBuffer(),
    ]) {
      const wc = await readWorkingCopy(animated);
      expect(wc.rgb).toMatchObject({ widthPx: 24, heightPx: 16 });
      expect(wc.rgb.data[0]).toBeGreaterThan(200); // red, not green
      expect(wc.rgb.data[1]).toBeLessThan(60);
    }
  });

  it('refuses what is not an image with SF_SCORE_IMAGE_UNREADABLE', async () => {
    const jpeg = await sharp(await flatImage(200, 200)).jpeg().toBuffer();
    expect(await codeOf(readWorkingCopy(Buffer.from('not an image at all')))).toBe('SF_SCORE_IMAGE_UNREADABLE');
    expect(await codeOf(readWorkingCopy(Buffer.alloc(0)))).toBe('SF_SCORE_IMAGE_UNREADABLE');
    expect(await codeOf(readWorkingCopy(jpeg.subarray(0, jpeg.length >> 1)))).toBe('SF_SCORE_IMAGE_UNREADABLE');
  });

  it(`refuses more than ${maxInputPixels} pixels with SF_SCORE_IMAGE_TOO_LARGE, before decoding`, async () => {
    expect(await codeOf(readWorkingCopy(await pngClaiming(10_000, 5_000)))).toBe('SF_SCORE_IMAGE_TOO_LARGE');
  });
});
