import sharp from 'sharp';
import { FeatureExtractionError } from './feature-extraction-error.ts';

/** Longest side of the working copy every feature but the file's own measures is computed on. */
export const workingSizePx = 512;

/**
 * Images declaring more pixels than this are refused before any decoding (a decompression-bomb guard):
 * 40 MP passes a 7,000 × 5,700 camera frame, the largest thing a designer plausibly uploads.
 */
export const maxInputPixels = 40_000_000;

import type { RgbImage } from '@shotfarm/shared/images';

export type { RgbImage };

/** One decoded image: the original pixels and the working copy made from them. */
export interface WorkingCopy {
  /** Size of the file in bytes. */
  bytes: number;
  /**
   * The original at full resolution after EXIF orientation, alpha flattened onto white. Only what is defined on
   * the file's own pixel grid is read here: the JPEG 8 × 8 block grid, pixel noise, the exact border colour.
   */
  original: RgbImage;
  /** The working copy (longest side at most {@link workingSizePx}, never enlarged), alpha flattened onto white. */
  rgb: RgbImage;
  /** The working copy's alpha channel, or null when the file has none. */
  alpha: Uint8Array | null;
  /** Rec. 601 luma of the working copy, 0–255. */
  luma: Float32Array;
  /** Working-copy pixels per original pixel (1 when the original is no larger than the working size). */
  scale: number;
}

/**
 * Decodes an image once and makes its working copy: EXIF orientation applied, converted to sRGB (CMYK, 16-bit and
 * greyscale files included), the first frame only of an animation, alpha flattened onto white but kept as a mask.
 * The original is decoded in full (not shrunk on load) because noise and JPEG blocking only exist on its own grid.
 * @throws FeatureExtractionError `SF_SCORE_IMAGE_TOO_LARGE` above {@link maxInputPixels}, `SF_SCORE_IMAGE_UNREADABLE`
 *   for anything that is not a complete image (unknown format, truncated or damaged data, empty input).
 */
export async function readWorkingCopy(image: Buffer): Promise<WorkingCopy> {
  if (!Buffer.isBuffer(image) || image.length === 0) {
    throw new FeatureExtractionError('SF_SCORE_IMAGE_UNREADABLE', 'cannot read the image: the input is empty');
  }
  const decoded = await decode(image);
  const { widthPx, heightPx, channels, data } = decoded;
  const original = flattenOntoWhite(data, widthPx, heightPx, channels);
  const scale = Math.min(1, workingSizePx / Math.max(widthPx, heightPx));
  if (scale === 1) {
    return {
      bytes: image.length, original, rgb: original, scale,
      alpha: channels === 4 ? extractChannel(data, 4, 3) : null,
      luma: lumaOf(original),
    };
  }
  const workWidthPx = Math.max(1, Math.round(widthPx * scale));
  const workHeightPx = Math.max(1, Math.round(heightPx * scale));
  // Resized from the decoded pixels (sharp premultiplies alpha for the resize), not from the file again.
  const small = await sharp(data, { raw: { width: widthPx, height: heightPx, channels } })
    .resize(workWidthPx, workHeightPx, { fit: 'fill' })
    .raw()
    .toBuffer()
    .catch((cause: unknown) => { throw unreadable(cause); });
  const rgb = flattenOntoWhite(small, workWidthPx, workHeightPx, channels);
  return {
    bytes: image.length, original, rgb, scale,
    alpha: channels === 4 ? extractChannel(small, 4, 3) : null,
    luma: lumaOf(rgb),
  };
}

/** Rec. 601 luma of each pixel, the weighting JPEG itself uses for its Y channel. */
export function lumaOf(img: RgbImage): Float32Array {
  const n = img.widthPx * img.heightPx;
  const out = new Float32Array(n);
  const d = img.data;
  for (let i = 0, j = 0; i < n; i++, j += 3) out[i] = 0.299 * d[j]! + 0.587 * d[j + 1]! + 0.114 * d[j + 2]!;
  return out;
}

interface Decoded {
  data: Buffer;
  widthPx: number;
  heightPx: number;
  channels: 3 | 4;
}

async function decode(image: Buffer): Promise<Decoded> {
  try {
    const { data, info } = await sharp(image, {
      // 'error' refuses truncated and damaged files but tolerates the harmless warnings of phone JPEGs.
      failOn: 'error', limitInputPixels: maxInputPixels, pages: 1, autoOrient: true,
    })
      .toColourspace('srgb')
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    if (info.channels === 3 || info.channels === 4) {
      return { data, widthPx: info.width, heightPx: info.height, channels: info.channels };
    }
    throw new Error(`decoded to ${info.channels} channels, expected 3 or 4`);
  } catch (cause) {
    throw unreadable(cause);
  }
}

function unreadable(cause: unknown): FeatureExtractionError {
  if (cause instanceof FeatureExtractionError) return cause;
  const reason = cause instanceof Error ? cause.message : String(cause);
  if (/pixel limit/i.test(reason)) {
    return new FeatureExtractionError('SF_SCORE_IMAGE_TOO_LARGE',
      `the image has more than ${maxInputPixels} pixels: ${reason}`, { cause });
  }
  return new FeatureExtractionError('SF_SCORE_IMAGE_UNREADABLE', `cannot read the image: ${reason}`, { cause });
}

function flattenOntoWhite(data: Uint8Array, widthPx: number, heightPx: number, channels: 3 | 4): RgbImage {
  if (channels === 3) return { data, widthPx, heightPx };
  const n = widthPx * heightPx;
  const out = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) {
    const a = data[i * 4 + 3]!;
    const inv = 255 - a;
    for (let c = 0; c < 3; c++) out[i * 3 + c] = Math.round((data[i * 4 + c]! * a + 255 * inv) / 255);
  }
  return { data: out, widthPx, heightPx };
}

function extractChannel(data: Uint8Array, channels: number, channel: number): Uint8Array {
  const n = data.length / channels;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = data[i * channels + channel]!;
  return out;
}
