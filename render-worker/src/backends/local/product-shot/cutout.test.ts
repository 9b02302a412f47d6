import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { TaskError } from '@shotfarm/shared';
import { analyseCutout, cutOut } from './cutout.ts';
import { mulberry32 } from '@shotfarm/shared/images';

interface Synthetic {
  data: Buffer;
  widthPx: number;
  heightPx: number;
  /** 1 where the product is. */
  truth: Uint8Array;
}

/**
 * A studio-like photo: a near-white background with light falloff and sensor noise, a navy bottle with a
 * white label (as white as the background, so only the flood fill keeps it) and a red cap.
 */
function studioPhoto(widthPx = 640, heightPx = 480, seed = 1): Synthetic {
  const random = mulberry32(seed);
  const data = Buffer.alloc(widthPx * heightPx * 3);
  const truth = new Uint8Array(widthPx * heightPx);
  const cx = widthPx * 0.5;
  const cy = heightPx * 0.55;
  const rx = widthPx * 0.16;
  const ry = heightPx * 0.3;
  for (let y = 0; y < heightPx; y++) {
    for (let x = 0; x < widthPx; x++) {
      const i = y * widthPx + x;
      const noise = (random() - 0.5) * 6;
      const bg = 248 - 14 * (y / heightPx) - 8 * ((x - cx) / widthPx) ** 2;
      let rgb = [bg + noise, bg + noise, bg - 2 + noise];
      const inBody = ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 <= 1;
      const inCap = Math.abs(x - cx) <= rx * 0.35 && y >= cy - ry - heightPx * 0.08 && y < cy - ry * 0.9;
      if (inBody) {
        const inLabel = Math.abs(x - cx) <= rx * 0.55 && Math.abs(y - cy) <= ry * 0.25;
        rgb = inLabel ? [bg + noise, bg + noise, bg + noise] : [43 + noise, 58 + noise, 103 + noise];
      } else if (inCap) {
        rgb = [190 + noise, 40 + noise, 45 + noise];
      }
      if (inBody || inCap) truth[i] = 1;
      data[i * 3] = Math.round(Math.min(255, Math.max(0, rgb[0]!)));
      data[i * 3 + 1] = Math.round(Math.min(255, Math.max(0, rgb[1]!)));
      data[i * 3 + 2] = Math.round(Math.min(255, Math.max(0, rgb[2]!)));
    }
  }
  return { data, widthPx, heightPx, truth };
}

async function encode(img: Synthetic, format: 'jpeg' | 'png' = 'jpeg'): Promise<Buffer> {
  const image = sharp(img.data, { raw: { width: img.widthPx, height: img.heightPx, channels: 3 } });
  return format === 'jpeg' ? image.jpeg({ quality: 92 }).toBuffer() : image.png().toBuffer();
}

function iou(alphaRgba: Buffer, truth: Uint8Array): number {
  let inter = 0;
  let union = 0;
  for (let i = 0; i < truth.length; i++) {
    const a = alphaRgba[i * 4 + 3]! >= 128 ? 1 : 0;
    const t = truth[i]!;
    if (a && t) inter++;
    if (a || t) union++;
  }
  return inter / union;
}

/** The colour key's own refusal rules are tested with the colour key alone. */
const colourKeyOnly = { segmenter: 'colour-key' } as const;

async function expectCode(promise: Promise<unknown>, code: string): Promise<TaskError> {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(TaskError);
  expect((error as TaskError).code).toBe(code);
  return error as TaskError;
}

describe('cutOut', () => {
  it('separates a product from a near-white, noisy, unevenly lit background (IoU > 0.9)', async () => {
    const photo = studioPhoto();
    const result = await cutOut(await encode(photo));
    expect(result.method).toBe('border-colour');
    expect(result.rgba.widthPx).toBe(photo.widthPx);
    expect(result.rgba.heightPx).toBe(photo.heightPx);
    expect(result.rgba.data.length).toBe(photo.widthPx * photo.heightPx * 4);
    expect(iou(result.rgba.data, photo.truth)).toBeGreaterThan(0.9);
  });

  it('keeps a white label inside the product opaque: the fill only reaches background connected to the border', async () => {
    const photo = studioPhoto();
    const { rgba } = await cutOut(await encode(photo));
    const labelCentre = Math.round(photo.heightPx * 0.55) * photo.widthPx + Math.round(photo.widthPx * 0.5);
    expect(rgba.data[labelCentre * 4 + 3]).toBe(255);
    expect(rgba.data[3]).toBe(0);
  });

  it('reports a bounding box around the product', async () => {
    const photo = studioPhoto();
    const { bbox } = await cutOut(await encode(photo));
    const rx = photo.widthPx * 0.16;
    expect(Math.abs(bbox.left - (photo.widthPx * 0.5 - rx))).toBeLessThanOrEqual(4);
    expect(Math.abs(bbox.width - 2 * rx)).toBeLessThanOrEqual(8);
    expect(Math.abs(bbox.top + bbox.height - photo.heightPx * 0.85)).toBeLessThanOrEqual(4);
  });

  it('uses a meaningful alpha channel as is', async () => {
    const w = 300;
    const h = 200;
    const rgba = Buffer.alloc(w * h * 4);
    const truth = new Uint8Array(w * h);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const i = y * w + x;
        rgba.set([200, 120, 40, 0], i * 4);
        if ((x - 150) ** 2 + (y - 100) ** 2 <= 60 ** 2) {
          rgba[i * 4 + 3] = 255;
          truth[i] = 1;
        }
      }
    }
    const png = await sharp(rgba, { raw: { width: w, height: h, channels: 4 } }).png().toBuffer();
    const result = await cutOut(png);
    expect(result.method).toBe('alpha');
    expect(iou(result.rgba.data, truth)).toBeGreaterThan(0.97);
    expect(result.bbox).toEqual({ left: 90, top: 40, width: 121, height: 121 });
  });

  it('accepts a cut-out trimmed to the product, touching every edge', async () => {
    const size = 120;
    const rgba = Buffer.alloc(size * size * 4);
    for (let i = 0; i < size * size; i++) {
      const x = i % size;
      const y = Math.floor(i / size);
      const inside = (x + 0.5 - size / 2) ** 2 + (y + 0.5 - size / 2) ** 2 <= (size / 2) ** 2;
      rgba.set([30, 90, 160, inside ? 255 : 0], i * 4);
    }
    const png = await sharp(rgba, { raw: { width: size, height: size, channels: 4 } }).png().toBuffer();
    const result = await cutOut(png);
    expect(result.method).toBe('alpha');
    expect(result.bbox).toEqual({ left: 0, top: 0, width: size, height: size });
  });

  it('refuses a fully transparent image', async () => {
    const empty = await sharp({ create: { width: 64, height: 64, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } })
      .png().toBuffer();
    await expectCode(cutOut(empty), 'SF_RENDER_BACKGROUND_TOO_BUSY');
  });

  it('ignores an alpha channel that is opaque everywhere and falls back to the border colour', async () => {
    const photo = studioPhoto(320, 240);
    const png = await sharp(photo.data, { raw: { width: 320, height: 240, channels: 3 } }).ensureAlpha().png().toBuffer();
    expect((await cutOut(png)).method).toBe('border-colour');
  });

  it('refuses a background of random noise with SF_RENDER_BACKGROUND_TOO_BUSY, naming the measure and its limit', async () => {
    const random = mulberry32(7);
    const data = Buffer.from(Array.from({ length: 320 * 240 * 3 }, () => Math.floor(random() * 256)));
    const jpeg = await sharp(data, { raw: { width: 320, height: 240, channels: 3 } }).jpeg().toBuffer();
    const error = await expectCode(cutOut(jpeg, colourKeyOnly), 'SF_RENDER_BACKGROUND_TOO_BUSY');
    expect(error.message).toMatch(/limit/);
    expect(error.message).toMatch(/\d/);
  });

  it('refuses multi-colour stripes with SF_RENDER_BACKGROUND_TOO_BUSY', async () => {
    const colours = [[220, 40, 40], [40, 160, 60], [30, 60, 200], [240, 220, 60], [250, 250, 250]];
    const w = 400;
    const h = 300;
    const data = Buffer.alloc(w * h * 3);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) data.set(colours[Math.floor((x + y) / 25) % colours.length]!, (y * w + x) * 3);
    }
    const png = await sharp(data, { raw: { width: w, height: h, channels: 3 } }).png().toBuffer();
    await expectCode(cutOut(png, colourKeyOnly), 'SF_RENDER_BACKGROUND_TOO_BUSY');
  });

  it('refuses a photo with no product in it', async () => {
    const blank = await sharp({ create: { width: 200, height: 200, channels: 3, background: '#f5f5f5' } }).png().toBuffer();
    const error = await expectCode(cutOut(blank, colourKeyOnly), 'SF_RENDER_BACKGROUND_TOO_BUSY');
    expect(error.message).toMatch(/no product found/);
  });

  it('refuses when the "product" covers the whole frame', async () => {
    const data = Buffer.alloc(200 * 200 * 3);
    for (let i = 0; i < 200 * 200; i++) data.set(i % 200 < 3 || i < 600 ? [245, 245, 245] : [30, 30, 90], i * 3);
    const png = await sharp(data, { raw: { width: 200, height: 200, channels: 3 } }).png().toBuffer();
    await expectCode(cutOut(png, colourKeyOnly), 'SF_RENDER_BACKGROUND_TOO_BUSY');
  });

  it('the classic segmenter refuses the same noise, stripes, blank frame and whole-frame "product" as uncertain (GrabCut gets no better)', async () => {
    const random = mulberry32(7);
    const noise = await sharp(Buffer.from(Array.from({ length: 320 * 240 * 3 }, () => Math.floor(random() * 256))), { raw: { width: 320, height: 240, channels: 3 } }).jpeg().toBuffer();
    const blank = await sharp({ create: { width: 200, height: 200, channels: 3, background: '#f5f5f5' } }).png().toBuffer();
    for (const photo of [noise, blank]) await expectCode(cutOut(photo), 'SF_CUTOUT_UNCERTAIN');
  });

  it('answers SF_RENDER_INPUT_UNREADABLE for bytes that are no image', async () => {
    await expectCode(cutOut(Buffer.from('definitely not an image')), 'SF_RENDER_INPUT_UNREADABLE');
  });

  it('works on a downscaled copy but reports the bounding box in source pixels', async () => {
    const photo = studioPhoto(1600, 1200, 3);
    const analysis = await analyseCutout(await encode(photo, 'png'));
    // Decided at working size (512), the outline is redrawn by the edge refinement at up to 1024 px.
    expect(analysis.matte.widthPx).toBe(1024);
    expect(analysis.sourceWidthPx).toBe(1600);
    expect(Math.abs(analysis.bboxPx.left - 1600 * (0.5 - 0.16))).toBeLessThanOrEqual(8);
    expect(analysis.diagnostics.borderBusyFraction).toBeLessThan(0.05);
  });
});
