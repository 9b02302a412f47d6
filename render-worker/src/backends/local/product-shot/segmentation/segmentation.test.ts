import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { TaskError } from '@shotfarm/shared';
import { analyseCutout, renderMask } from '../cutout.ts';
import { createSegmenter } from './create-segmenter.ts';

const products = path.resolve(fileURLToPath(new URL('../../../../../../../shared/fixtures/images/products', import.meta.url)));
const fixture = (name: string): Promise<Buffer> => readFile(path.join(products, name));

const sizePx = 480;

/** A product drawn at test time with exact alpha: a red bottle with a blue label and a thin dark strap. */
function drawProduct(): { rgba: Buffer; truth: Uint8Array } {
  const rgba = Buffer.alloc(sizePx * sizePx * 4);
  const truth = new Uint8Array(sizePx * sizePx);
  const cx = sizePx * 0.5;
  const cy = sizePx * 0.56;
  for (let y = 0; y < sizePx; y++) {
    for (let x = 0; x < sizePx; x++) {
      const i = y * sizePx + x;
      const body = ((x - cx) / (sizePx * 0.17)) ** 2 + ((y - cy) / (sizePx * 0.27)) ** 2 <= 1;
      const neck = Math.abs(x - cx) <= sizePx * 0.05 && y >= sizePx * 0.18 && y < cy;
      const strap = Math.abs(x - (cx + sizePx * 0.2)) <= 3 && y >= sizePx * 0.35 && y <= sizePx * 0.7;
      if (!(body || neck || strap)) continue;
      truth[i] = 1;
      const label = body && Math.abs(y - cy) <= sizePx * 0.06;
      const shade = 1 - 0.25 * Math.abs(x - cx) / (sizePx * 0.17);
      const rgb = strap ? [40, 30, 30] : label ? [30, 70, 200] : [200 * shade, 40 * shade, 50 * shade];
      rgba.set([Math.round(rgb[0]!), Math.round(rgb[1]!), Math.round(rgb[2]!), 255], i * 4);
    }
  }
  return { rgba, truth };
}

/** The product composited onto a background (raw RGB at sizePx²), as a JPEG, with the exact truth. */
async function composite(background: Buffer): Promise<{ photo: Buffer; truth: Uint8Array }> {
  const { rgba, truth } = drawProduct();
  const product = await sharp(rgba, { raw: { width: sizePx, height: sizePx, channels: 4 } }).png().toBuffer();
  const photo = await sharp(background, { raw: { width: sizePx, height: sizePx, channels: 3 } })
    .composite([{ input: product }]).jpeg({ quality: 92 }).toBuffer();
  return { photo, truth };
}

function plainBackground(): Buffer {
  return Buffer.alloc(sizePx * sizePx * 3, 244);
}

function gradientBackground(): Buffer {
  const out = Buffer.alloc(sizePx * sizePx * 3);
  for (let y = 0; y < sizePx; y++) {
    for (let x = 0; x < sizePx; x++) {
      const t = (x + y) / (2 * sizePx);
      out.set([Math.round(235 - 40 * t), Math.round(228 - 30 * t), Math.round(210 - 10 * t)], (y * sizePx + x) * 3);
    }
  }
  return out;
}

/** A real busy scene: the top of a fixture photo (green bench slats above the sneaker), read at test time. */
async function sceneBackground(): Promise<Buffer> {
  const photo = await fixture('dreambooth-colorful_sneaker-03.jpg');
  const { width = 0, height = 0 } = await sharp(photo).metadata();
  const side = Math.min(width, Math.round(height * 0.4));
  return sharp(photo).extract({ left: 0, top: 0, width: side, height: side }).resize(sizePx, sizePx).removeAlpha().raw().toBuffer();
}

async function matteIoU(photo: Buffer, truth: Uint8Array): Promise<{ iou: number; method: string; confidence: number }> {
  const analysis = await analyseCutout(photo);
  const whole = { left: 0, top: 0, width: analysis.sourceWidthPx, height: analysis.sourceHeightPx };
  const matte = await renderMask(analysis, { scale: 1, windowPx: whole, featherPx: 0 });
  let inter = 0;
  let union = 0;
  for (let i = 0; i < truth.length; i++) {
    const a = matte.data[i]! >= 128 ? 1 : 0;
    inter += a & truth[i]!;
    union += a | truth[i]!;
  }
  return { iou: inter / union, method: analysis.method, confidence: analysis.confidence };
}

async function refusal(promise: Promise<unknown>): Promise<TaskError | null> {
  return promise.then(() => null, (e: unknown) => { if (e instanceof TaskError) return e; throw e; });
}

describe('classic segmenter on composites with known truth', () => {
  it('cuts a product out of a plain background with IoU ≥ 0.95', async () => {
    const { photo, truth } = await composite(plainBackground());
    const result = await matteIoU(photo, truth);
    expect(result.iou).toBeGreaterThanOrEqual(0.95);
    expect(result.confidence).toBeGreaterThanOrEqual(0.6);
  });

  it('cuts a product out of a gradient background with IoU ≥ 0.95', async () => {
    const { photo, truth } = await composite(gradientBackground());
    expect((await matteIoU(photo, truth)).iou).toBeGreaterThanOrEqual(0.95);
  });

  it('on a real busy scene either cuts well (IoU ≥ 0.85, with GrabCut) or refuses: never a broken accepted matte', async () => {
    const { photo, truth } = await composite(await sceneBackground());
    const error = await refusal(matteIoU(photo, truth));
    if (error) {
      console.log('busy scene composite refused', error.message);
      expect(error.code).toBe('SF_CUTOUT_UNCERTAIN');
      return;
    }
    const result = await matteIoU(photo, truth);
    console.log('busy scene composite', result);
    expect(result.method).toBe('grabcut');
    expect(result.iou).toBeGreaterThanOrEqual(0.85);
  });
});

describe('classic segmenter on the fixture photos', () => {
  it('cuts the hat on a bed sheet with GrabCut (the colour key left fabric folds attached to it)', async () => {
    const analysis = await analyseCutout(await fixture('cc0-hat-2a12baab.jpg'));
    expect(analysis.method).toBe('grabcut');
    expect(analysis.confidence).toBeGreaterThanOrEqual(0.6);
    // The hat sits in the middle of the frame, clear of every edge.
    expect(analysis.diagnostics.frameContactFraction).toBe(0);
    expect(analysis.diagnostics.productFraction).toBeGreaterThan(0.1);
    expect(analysis.diagnostics.productFraction).toBeLessThan(0.5);
  });

  it('keeps the colour key as the fast path for a product on a truly plain backdrop (the vase)', async () => {
    const analysis = await analyseCutout(await fixture('dreambooth-vase-02.jpg'));
    expect(analysis.method).toBe('border-colour');
    expect(analysis.confidence).toBeGreaterThanOrEqual(0.95);
  });

  it('refuses the berry bowl (GrabCut kept the berries and lost the white bowl): the key sees the print and shading of the bowl beyond the cut', async () => {
    const error = await refusal(analyseCutout(await fixture('dreambooth-berry_bowl-00.jpg')));
    expect(error?.code).toBe('SF_CUTOUT_UNCERTAIN');
    expect(error?.message).toMatch(/agreement/);
  });

  it('refuses the clock on a bed sheet (the key took sheet folds at its base, outlined where the photo has no edge)', async () => {
    const error = await refusal(analyseCutout(await fixture('dreambooth-clock-03.jpg')));
    expect(error?.code).toBe('SF_CUTOUT_UNCERTAIN');
    expect(error?.retryable).toBe(false);
  });

  it('keeps the shoes whose light heels meet a light floor (part of an outline may be invisible)', async () => {
    const analysis = await analyseCutout(await fixture('cc0-shoes-132e5fa5.jpg'));
    expect(analysis.method).toBe('border-colour');
    expect(analysis.confidence).toBeGreaterThanOrEqual(0.95);
  });

  it('refuses the sneaker on a green bench with SF_CUTOUT_UNCERTAIN, not retryable, saying what to do', async () => {
    const error = await refusal(analyseCutout(await fixture('dreambooth-colorful_sneaker-03.jpg')));
    expect(error?.code).toBe('SF_CUTOUT_UNCERTAIN');
    expect(error?.retryable).toBe(false);
    expect(error?.message).toMatch(/plain background.*transparency.*GPU recipe/);
  });
});

describe('createSegmenter', () => {
  it('chooses the implementation by configuration', () => {
    expect(createSegmenter({ segmenter: 'classic', minConfidence: 0.6, toleranceDeltaE: 18 }).kind).toBe('classic');
    expect(createSegmenter({ segmenter: 'colour-key', minConfidence: 0.6, toleranceDeltaE: 18 }).kind).toBe('colour-key');
  });

  it('the colour-key segmenter refuses a busy scene that classic segments', async () => {
    const { photo } = await composite(await sceneBackground());
    const error = await refusal(analyseCutout(photo, { segmenter: 'colour-key' }));
    expect(error?.code).toBe('SF_RENDER_BACKGROUND_TOO_BUSY');
  });
});
