import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { TaskError, TextBox } from '@shotfarm/shared';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TextDetector } from './text-detector.ts';

// The int project: loading the model and running it a dozen times takes a few seconds of CPU.

const products = path.resolve(fileURLToPath(new URL('../../../../shared/fixtures/images/products', import.meta.url)));

/** Whether fontconfig knows a Chinese font; CI images may lack one, so the Chinese test is skipped there. */
function hasChineseFont(): boolean {
  try {
    return execFileSync('fc-list', [':lang=zh'], { encoding: 'utf8' }).trim().length > 0;
  } catch {
    return false;
  }
}

const white800 = (body: string) =>
  sharp(Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="800" height="800"><rect width="800" height="800" fill="#fff"/>${body}</svg>`))
    .png()
    .toBuffer();

/** Latin text on white, set in whatever sans font the machine has (DejaVu, Liberation or a fallback). */
const saleText = `<text x="400" y="300" font-family="DejaVu Sans, Liberation Sans, sans-serif" font-weight="bold" font-size="96" text-anchor="middle" fill="#000">SALE 50% OFF</text>`;
/** Where the Latin line is drawn: x 400 ± about 380, baseline 300 with 96 px type. */
const saleArea = { left: 0, top: 200, right: 800, bottom: 330 };

const inside = (b: TextBox, a: typeof saleArea) =>
  b.leftPx >= a.left && b.topPx >= a.top && b.leftPx + b.widthPx <= a.right && b.topPx + b.heightPx <= a.bottom;

describe('TextDetector (PP-OCRv4 detection on onnxruntime)', () => {
  let detector: TextDetector;
  beforeAll(async () => {
    detector = await TextDetector.create();
  });
  afterAll(async () => {
    await detector.close();
  });

  it('finds "SALE 50% OFF" on a white 800×800 image, boxes over the line and nowhere else', async () => {
    const { boxes, textAreaRatio } = await detector.detect(await white800(saleText));
    expect(boxes.length).toBeGreaterThanOrEqual(1);
    for (const b of boxes) {
      expect(inside(b, saleArea), JSON.stringify(b)).toBe(true);
      expect(b.score).toBeGreaterThanOrEqual(0.6);
    }
    // The line spans most of the width: together the boxes cover at least 500 px of it.
    expect(boxes.reduce((w, b) => w + b.widthPx, 0)).toBeGreaterThan(500);
    // 96 px type across ~750 px is ~9% of the frame; the unclipped boxes are a little taller than the glyphs.
    expect(textAreaRatio).toBeGreaterThan(0.04);
    expect(textAreaRatio).toBeLessThan(0.2);
  });

  it.skipIf(!hasChineseFont())('finds a Chinese line "限时特价" under the Latin one', async () => {
    const chinese = `<text x="400" y="520" font-family="WenQuanYi Micro Hei, Noto Sans CJK SC, sans-serif" font-size="96" text-anchor="middle" fill="#000">限时特价</text>`;
    const { boxes, textAreaRatio } = await detector.detect(await white800(saleText + chinese));
    const lower = boxes.filter((b) => b.topPx > 400);
    expect(lower.length).toBeGreaterThanOrEqual(1);
    expect(lower.every((b) => b.topPx >= 400 && b.topPx + b.heightPx <= 580 && b.leftPx >= 150 && b.leftPx + b.widthPx <= 650)).toBe(true);
    expect(textAreaRatio).toBeGreaterThan(0.08);
  });

  it('finds nothing on a product without text: a coloured ellipse on white', async () => {
    const photo = await sharp(await white800('<ellipse cx="400" cy="420" rx="220" ry="300" fill="#2e86c1"/>')).jpeg({ quality: 90 }).toBuffer();
    expect(await detector.detect(photo)).toEqual({ boxes: [], textAreaRatio: 0 });
  });

  it('finds the printed label on a real photo (a can) and returns well-formed boxes inside the frame', async () => {
    const photo = await readFile(path.join(products, 'dreambooth-can-00.jpg'));
    const { width, height } = (await sharp(photo).metadata()).autoOrient;
    const result = await detector.detect(photo);
    // The 1280×1280 label carries "TRANSATLANTIC IPA" across its top and two lines of Chinese below the whale:
    // a detector that finds nothing, or only specks, fails here.
    const centredIn = (b: TextBox, top: number, bottom: number): boolean => b.topPx + b.heightPx / 2 > top && b.topPx + b.heightPx / 2 < bottom;
    expect(result.boxes.length).toBeGreaterThanOrEqual(3);
    expect(result.boxes.some((b) => centredIn(b, 320, 420) && b.widthPx > 250)).toBe(true); // TRANSATLANTIC
    expect(result.boxes.some((b) => centredIn(b, 830, 940) && b.widthPx > 200)).toBe(true); // 横越大西洋 / 印度淡色艾尔啤酒
    expect(result.textAreaRatio).toBeGreaterThan(0.01);
    expect(result.textAreaRatio).toBeLessThanOrEqual(1);
    for (const b of result.boxes) {
      expect(TextBox.parse(b)).toEqual(b);
      expect(Number.isInteger(b.leftPx) && Number.isInteger(b.topPx)).toBe(true);
      expect(b.widthPx).toBeGreaterThan(0);
      expect(b.heightPx).toBeGreaterThan(0);
      expect(b.leftPx + b.widthPx).toBeLessThanOrEqual(width);
      expect(b.topPx + b.heightPx).toBeLessThanOrEqual(height);
      expect(b.score).toBeGreaterThanOrEqual(0.6);
      expect(b.score).toBeLessThanOrEqual(1);
    }
  });

  it('reports boxes in original pixels whatever the size: the same text at 1600×1600 gives boxes twice as large', async () => {
    const small = await detector.detect(await white800(saleText));
    const big = await detector.detect(await sharp(await white800(saleText)).resize(1600, 1600).png().toBuffer());
    const extent = (bs: TextBox[]) => [Math.min(...bs.map((b) => b.leftPx)), Math.max(...bs.map((b) => b.leftPx + b.widthPx))];
    const [l1, r1] = extent(small.boxes);
    const [l2, r2] = extent(big.boxes);
    expect(Math.abs(l2! / 2 - l1!)).toBeLessThan(10);
    expect(Math.abs(r2! / 2 - r1!)).toBeLessThan(10);
    expect(Math.abs(big.textAreaRatio - small.textAreaRatio)).toBeLessThan(0.02);
  });

  describe('hostile input', () => {
    const rejects = async (bytes: Buffer, code: string) => {
      const err = await detector.detect(bytes).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TaskError);
      expect((err as TaskError).code).toBe(code);
    };

    it('answers SF_SCORE_IMAGE_UNREADABLE for bytes that are not an image, and for an empty buffer', async () => {
      await rejects(Buffer.from('definitely not an image'), 'SF_SCORE_IMAGE_UNREADABLE');
      await rejects(Buffer.alloc(0), 'SF_SCORE_IMAGE_UNREADABLE');
    });

    it('answers SF_SCORE_IMAGE_UNREADABLE for a truncated JPEG', async () => {
      const jpeg = await sharp(await white800(saleText)).jpeg().toBuffer();
      await rejects(jpeg.subarray(0, Math.floor(jpeg.length / 2)), 'SF_SCORE_IMAGE_UNREADABLE');
    });

    it('answers SF_SCORE_IMAGE_TOO_LARGE from the header of a decompression bomb', async () => {
      const small = await TextDetector.create({ maxInputPixels: 1000 });
      try {
        const png = await sharp({ create: { width: 100, height: 100, channels: 3, background: '#fff' } }).png().toBuffer();
        const err = await small.detect(png).catch((e: unknown) => e);
        expect((err as TaskError).code).toBe('SF_SCORE_IMAGE_TOO_LARGE');
      } finally {
        await small.close();
      }
    });

    it('gives a defined answer for 1×1, 20000×20, CMYK, 16-bit PNG, transparent PNG and animated GIF', async () => {
      const white = { r: 255, g: 255, b: 255 };
      const inputs = {
        tiny: await sharp({ create: { width: 1, height: 1, channels: 3, background: white } }).png().toBuffer(),
        strip: await sharp({ create: { width: 20000, height: 20, channels: 3, background: white } }).png().toBuffer(),
        cmyk: await sharp(await white800(saleText)).toColourspace('cmyk').jpeg().toBuffer(),
        png16: await sharp(await white800(saleText)).toColourspace('rgb16').png().toBuffer(),
        transparent: await sharp({ create: { width: 64, height: 64, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } }).png().toBuffer(),
        gif: await sharp([await white800(saleText), await white800('')], { join: { animated: true } }).gif().toBuffer(),
      };
      for (const [name, bytes] of Object.entries(inputs)) {
        const r = await detector.detect(bytes);
        expect(r.textAreaRatio, name).toBeGreaterThanOrEqual(0);
        expect(r.textAreaRatio, name).toBeLessThanOrEqual(1);
      }
      // The text survives CMYK, 16 bits and GIF's palette; a transparent image reads as white, not black.
      expect((await detector.detect(inputs.cmyk)).boxes.length).toBeGreaterThan(0);
      expect((await detector.detect(inputs.png16)).boxes.length).toBeGreaterThan(0);
      expect((await detector.detect(inputs.gif)).boxes.length).toBeGreaterThan(0);
      expect((await detector.detect(inputs.transparent)).boxes).toEqual([]);
    });

    it('answers SF_SCORE_FAILED after close, and for a model file that is not a model', async () => {
      const closing = await TextDetector.create();
      await closing.close();
      const err = await closing.detect(await white800('')).catch((e: unknown) => e);
      expect((err as TaskError).code).toBe('SF_SCORE_FAILED');
      const bad = await TextDetector.create({ modelPath: fileURLToPath(import.meta.url) }).catch((e: unknown) => e);
      expect(bad).toBeInstanceOf(TaskError);
      expect((bad as TaskError).code).toBe('SF_SCORE_FAILED');
    });
  });
});
