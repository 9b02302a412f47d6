import sharp, { type Sharp } from 'sharp';
import { linearToSrgb, mulberry32, srgbToLinear, type BoxPx } from '@shotfarm/shared/images';

/** The synthetic degradations the quality score must rank below their originals (issue 5's sanity check). */
export const degradationNames = ['blur', 'overExposure', 'jpeg10', 'noise', 'offCentreCrop'] as const;
export type DegradationName = (typeof degradationNames)[number];

/** How a degraded image is stored. */
export type DegradedEncoding =
  /** Lossless, so the image holds the named degradation and nothing else (the default). */
  | 'png'
  /** JPEG at quality 95, the way a pipeline would usually store it: checks the score is not fooled by the container. */
  | 'jpeg95';

/** What a degradation may need besides the image. */
export interface DegradationContext {
  /** The product's bounding box in original pixels; the crop cuts into it. */
  productBox: BoxPx;
  /** Seed of the noise. @defaultValue {@link defaultNoiseSeed} */
  seed?: number;
  /** @defaultValue 'png' */
  encoding?: DegradedEncoding;
}

/** Gaussian blur σ in original pixels. */
export const blurSigmaPx = 2;
/** Over-exposure in stops: linear light × 2^1.5 ≈ 2.83. */
export const overExposureEv = 1.5;
/** JPEG quality of the compression degradation. */
export const degradedJpegQuality = 10;
/** Gaussian noise σ per channel, 0–255 scale. */
export const noiseSigmaLevels = 12;
/** Seed of the noise unless the context gives one, so every run degrades the same pixels the same way. */
export const defaultNoiseSeed = 0x5f3759df;
/** Share of the product's box width the off-centre crop leaves outside the frame. */
export const cropCutShare = 0.35;
/** JPEG quality of the `jpeg95` encoding. */
const storedJpegQuality = 95;

/** One degradation: original bytes in, degraded bytes out; deterministic. */
export type Degradation = (image: Buffer, ctx: DegradationContext) => Promise<Buffer>;

/** Every degradation by name: a registry, so the evaluation can list and run them without a switch. */
export const degradations: Readonly<Record<DegradationName, Degradation>> = {
  blur: async (image, ctx) => {
    const px = await decodeRgb(image);
    return encode(toSharp(px).blur({ sigma: blurSigmaPx, precision: 'float', minAmplitude: 0.005 }), ctx);
  },
  overExposure: async (image, ctx) => {
    const px = await decodeRgb(image);
    const lut = exposureLut(overExposureEv);
    const data = Buffer.allocUnsafe(px.data.length);
    for (let i = 0; i < data.length; i++) data[i] = lut[px.data[i]!]!;
    return encode(toSharp({ ...px, data }), ctx);
  },
  jpeg10: async (image) => {
    const px = await decodeRgb(image);
    return toSharp(px).jpeg({ quality: degradedJpegQuality }).toBuffer();
  },
  noise: async (image, ctx) => {
    const px = await decodeRgb(image);
    const random = mulberry32(ctx.seed ?? defaultNoiseSeed);
    const data = Buffer.allocUnsafe(px.data.length);
    for (let i = 0; i < data.length; i += 2) {
      // Box–Muller: two independent standard normals from two uniforms.
      const radius = Math.sqrt(-2 * Math.log(Math.max(random(), Number.MIN_VALUE)));
      const angle = 2 * Math.PI * random();
      data[i] = clampByte(px.data[i]! + noiseSigmaLevels * radius * Math.cos(angle));
      if (i + 1 < data.length) data[i + 1] = clampByte(px.data[i + 1]! + noiseSigmaLevels * radius * Math.sin(angle));
    }
    return encode(toSharp({ ...px, data }), ctx);
  },
  offCentreCrop: async (image, ctx) => {
    const px = await decodeRgb(image);
    const window = cropWindow(px.widthPx, px.heightPx, ctx.productBox);
    return encode(toSharp(px).extract(window).resize(px.widthPx, px.heightPx, { fit: 'fill' }), ctx);
  },
};

/**
 * The off-centre crop's window: it starts {@link cropCutShare} of the way into the product's box from the left, so
 * that share of the product falls outside, runs to the frame's right edge, keeps the frame's aspect ratio and is
 * centred on the product vertically (within the frame). Resized back to the original size, the product is cut
 * by the left edge, pushed off-centre and enlarged.
 */
export function cropWindow(widthPx: number, heightPx: number, productBox: BoxPx): { left: number; top: number; width: number; height: number } {
  const box = productBox.width > 0 && productBox.height > 0
    ? productBox
    : { left: 0, top: 0, width: widthPx, height: heightPx }; // no product: the frame stands in for it
  const left = Math.min(widthPx - 1, Math.max(1, Math.round(box.left + cropCutShare * box.width)));
  const width = widthPx - left;
  const height = Math.max(1, Math.min(heightPx, Math.round((width * heightPx) / widthPx)));
  const centreY = box.top + box.height / 2;
  const top = Math.max(0, Math.min(heightPx - height, Math.round(centreY - height / 2)));
  return { left, top, width, height };
}

/** sRGB byte → sRGB byte after multiplying linear light by 2^ev and clipping. */
export function exposureLut(ev: number): Uint8Array {
  const gain = 2 ** ev;
  const lut = new Uint8Array(256);
  for (let v = 0; v < 256; v++) {
    lut[v] = Math.round(linearToSrgb(Math.min(1, srgbToLinear(v / 255) * gain)) * 255);
  }
  return lut;
}

interface RgbPixels {
  data: Buffer;
  widthPx: number;
  heightPx: number;
}

/** The original as oriented sRGB, alpha flattened onto white (JPEG has none; every degradation sees the same pixels). */
async function decodeRgb(image: Buffer): Promise<RgbPixels> {
  const { data, info } = await sharp(image, { autoOrient: true, pages: 1 })
    .flatten({ background: '#ffffff' })
    .toColourspace('srgb')
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
  return { data, widthPx: info.width, heightPx: info.height };
}

function toSharp(px: RgbPixels): Sharp {
  return sharp(px.data, { raw: { width: px.widthPx, height: px.heightPx, channels: 3 } });
}

function encode(img: Sharp, ctx: DegradationContext): Promise<Buffer> {
  return (ctx.encoding ?? 'png') === 'png'
    ? img.png({ compressionLevel: 1 }) // lossless either way; level 1 just saves time
      .toBuffer()
    : img.jpeg({ quality: storedJpegQuality }).toBuffer();
}

function clampByte(v: number): number {
  return v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v);
}
