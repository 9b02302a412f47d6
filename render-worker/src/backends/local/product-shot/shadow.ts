import sharp from 'sharp';
import { z } from 'zod';
import type { BoxPx } from '@shotfarm/shared/images';
import type { MaskImage } from './cutout.ts';

/** The shadow under the product: a soft contact shadow at its base, plus a faint drop shadow of its shape. */
export const ShadowOptions = z.strictObject({
  /** Darkness where the shadow is densest, 0 (none) to 1 (black). */
  opacity: z.number().min(0).max(1).default(0.35),
  /** Softness: the drop shadow's Gaussian σ in canvas pixels; {@link defaultShadowBlurFraction} of the canvas when absent. */
  blurPx: z.number().min(0).max(500).optional(),
  /** Add the drop shadow derived from the product's mask (the contact shadow is always drawn). */
  drop: z.boolean().default(true),
});
export type ShadowOptions = z.infer<typeof ShadowOptions>;

/** Default blur as a fraction of the canvas's longest side: 24 px at 1000 px, as a photographer's soft box. */
export const defaultShadowBlurFraction = 0.024;
/** The shadow is drawn at most this many pixels across, then upsampled: it has no detail to lose. */
const shadowWorkingSidePx = 256;
/** The drop shadow's share of `opacity`: it suggests depth, the contact shadow does the grounding. */
const dropShare = 0.45;
/** Below this density (about a fifth of a level on white) a pixel is left out of the layer. */
const minDensity = 1 / 1024;

/** What {@link renderShadow} needs to know about the canvas and the product on it. */
export interface ShadowTarget {
  widthPx: number;
  heightPx: number;
  /** The product's bounding box on the canvas. */
  productBoxPx: BoxPx;
  /**
   * The product's mask at {@link shadowScale} of the canvas, with where its top-left corner lands on that
   * downscaled canvas; the contact shadow follows its footprint, the drop shadow its shape.
   */
  mask: MaskImage & { leftPx: number; topPx: number };
}

/**
 * A part of the canvas to composite with sharp's `multiply` blend: raw grey RGB, 255 where nothing changes.
 * Multiplying keeps the scene's hue, so a shadow on beige is a darker beige, not grey.
 */
export interface ShadowLayer {
  data: Buffer;
  widthPx: number;
  heightPx: number;
  leftPx: number;
  topPx: number;
}

/** The factor the product mask for {@link renderShadow} is rendered at, relative to the canvas. */
export function shadowScale(widthPx: number, heightPx: number): number {
  return Math.min(1, shadowWorkingSidePx / Math.max(widthPx, heightPx));
}

/**
 * Draws the shadow under the product as a multiply layer. The contact shadow follows the product's footprint:
 * the line where its lowest silhouette touches down, blurred flat as seen from a camera slightly above, peaking
 * at `opacity`; the drop shadow is the product's own shape, nudged down and blurred. Both are drawn on a small
 * canvas and upsampled once, over only the region they darken. Returns null when there is nothing to draw.
 * @example
 * const layer = await renderShadow({ widthPx: 800, heightPx: 800, productBoxPx, mask }, ShadowOptions.parse({ opacity: 0.3 }));
 * if (layer) image.composite([{ input: layer.data, raw: { width: layer.widthPx, height: layer.heightPx, channels: 3 },
 *   left: layer.leftPx, top: layer.topPx, blend: 'multiply' }]);
 */
export async function renderShadow(target: ShadowTarget, options: ShadowOptions): Promise<ShadowLayer | null> {
  if (options.opacity <= 0) return null;
  const { widthPx: w, heightPx: h, productBoxPx: box } = target;
  const k = shadowScale(w, h);
  const lw = Math.max(1, Math.round(w * k));
  const lh = Math.max(1, Math.round(h * k));
  const blurPx = options.blurPx ?? defaultShadowBlurFraction * Math.max(w, h);
  const density = options.drop ? await dropShadow(target, lw, lh, blurPx * k) : new Float32Array(lw * lh);

  // Contact shadow: where the product touches down. Each mask column whose lowest opaque row is within the bottom
  // band (a sole, a base, the bottom of a bowl; not a handle or a shade in the air) marks a point of the ground line;
  // the line is blurred (a Gaussian blurred by a Gaussian is a Gaussian, so the soft-box blur is folded into its σ)
  // and scaled so that a long straight line peaks at full density. A pair of shoes casts two shadows, a lamp one
  // under its base. Without a usable mask, an elliptical one under the box.
  const foot = footprint(target.mask, box.height * k);
  const halfWidth = Math.max(1, (foot ? foot.width : box.width * k) * 0.5);
  const softPx = blurPx * k * 0.25;
  const sigmaY = Math.max(0.7, Math.hypot(halfWidth * 0.06, softPx * 0.5));
  const contact = foot
    ? groundLineShadow(foot.ground, lw, lh, Math.max(0.7, Math.hypot(halfWidth * 0.12, softPx)), sigmaY)
    : ellipseShadow((box.left + box.width / 2) * k, (box.top + box.height) * k, halfWidth, softPx, sigmaY, lw, lh);
  for (let i = 0; i < density.length; i++) density[i] = 1 - (1 - Math.min(1, contact[i]!)) * (1 - density[i]!);

  // Upsample only the region that darkens anything: off it, multiplying by white changes nothing.
  let rx0 = lw;
  let ry0 = lh;
  let rx1 = -1;
  let ry1 = -1;
  for (let y = 0, i = 0; y < lh; y++) {
    for (let x = 0; x < lw; x++, i++) {
      if (density[i]! < minDensity) continue;
      if (x < rx0) rx0 = x;
      if (x > rx1) rx1 = x;
      if (y < ry0) ry0 = y;
      if (y > ry1) ry1 = y;
    }
  }
  if (rx1 < 0) return null;
  // One small pixel of margin each side, so the bilinear ramp at the region's edge starts from white.
  rx0 = Math.max(0, rx0 - 1);
  ry0 = Math.max(0, ry0 - 1);
  rx1 = Math.min(lw - 1, rx1 + 1);
  ry1 = Math.min(lh - 1, ry1 + 1);
  const regionW = rx1 - rx0 + 1;
  const regionH = ry1 - ry0 + 1;
  const gain = Buffer.allocUnsafe(regionW * regionH);
  for (let y = 0; y < regionH; y++) {
    for (let x = 0; x < regionW; x++) {
      gain[y * regionW + x] = Math.round(255 * (1 - options.opacity * Math.min(1, density[(y + ry0) * lw + x + rx0]!)));
    }
  }
  const leftPx = Math.round(rx0 / k);
  const topPx = Math.round(ry0 / k);
  const widthPx = Math.max(1, Math.min(w - leftPx, Math.round((rx1 + 1) / k) - leftPx));
  const heightPx = Math.max(1, Math.min(h - topPx, Math.round((ry1 + 1) / k) - topPx));
  const data = await sharp(gain, { raw: { width: regionW, height: regionH, channels: 1 } })
    .resize(widthPx, heightPx, { fit: 'fill', kernel: 'linear' })
    .toColourspace('srgb')
    .raw()
    .toBuffer();
  return { data, widthPx, heightPx, leftPx, topPx };
}

/** The product's shape, nudged down and blurred, as density 0–1 on the small canvas (`dropShare` at most). */
async function dropShadow(target: ShadowTarget, lw: number, lh: number, sigmaPx: number): Promise<Float32Array> {
  const { productBoxPx: box, mask } = target;
  const k = lw / target.widthPx;
  const small = Buffer.alloc(lw * lh);
  const offsetY = Math.round((box.height * 0.015) * k + sigmaPx * 0.4);
  for (let y = 0; y < mask.heightPx; y++) {
    const ty = y + mask.topPx + offsetY;
    if (ty < 0 || ty >= lh) continue;
    for (let x = 0; x < mask.widthPx; x++) {
      const tx = x + mask.leftPx;
      if (tx >= 0 && tx < lw) small[ty * lw + tx] = mask.data[y * mask.widthPx + x]!;
    }
  }
  const blurred = await sharp(small, { raw: { width: lw, height: lh, channels: 1 } })
    .blur(Math.max(0.3, sigmaPx))
    // sharp turns one band into sRGB on output unless told otherwise.
    .toColourspace('b-w')
    .raw()
    .toBuffer();
  return Float32Array.from(blurred, (v) => (v / 255) * dropShare);
}

/**
 * Where the product touches down, on the small canvas: the ground points (each mask column whose lowest opaque row
 * lies in the bottom ~6% of the product's height, at that row) and their horizontal extent.
 */
function footprint(mask: ShadowTarget['mask'], heightPx: number): { width: number; ground: [number, number][] } | null {
  const band = Math.max(1, Math.round(heightPx * 0.06));
  const lowest = new Int32Array(mask.widthPx).fill(-1);
  for (let x = 0; x < mask.widthPx; x++) {
    for (let y = mask.heightPx - 1; y >= 0; y--) {
      if (mask.data[y * mask.widthPx + x]! >= 128) { lowest[x] = y; break; }
    }
  }
  const bottom = Math.max(...lowest);
  if (bottom < 0) return null;
  const ground: [number, number][] = [];
  let left = Infinity;
  let right = -Infinity;
  for (let x = 0; x < mask.widthPx; x++) {
    if (lowest[x]! < 0 || lowest[x]! < bottom - band) continue;
    ground.push([mask.leftPx + x, mask.topPx + lowest[x]!]);
    left = Math.min(left, x);
    right = Math.max(right, x);
  }
  return { width: right - left + 1, ground };
}

/** The ground line blurred by σx, σy (separable), tucked 0.3 σy under the product, scaled to peak at 1. */
function groundLineShadow(ground: [number, number][], lw: number, lh: number, sigmaX: number, sigmaY: number): Float32Array {
  const line = new Float32Array(lw * lh);
  const lift = Math.round(sigmaY * 0.3);
  for (const [x, y] of ground) {
    const ty = y - lift;
    if (x >= 0 && x < lw && ty >= 0 && ty < lh) line[ty * lw + x] = 1;
  }
  const rows = blur1d(line, lw, lh, sigmaX, 1, lw);
  const both = blur1d(rows, lw, lh, sigmaY, lw, 1);
  // A long horizontal line blurred vertically peaks at 1 / (√(2π) σy): scale that back to 1.
  const gain = Math.sqrt(2 * Math.PI) * sigmaY;
  for (let i = 0; i < both.length; i++) both[i] = both[i]! * gain;
  return both;
}

/** A Gaussian blur along one axis (step 1: rows, step lw: columns), normalised, edges clamped to zero. */
function blur1d(src: Float32Array, lw: number, lh: number, sigma: number, step: number, lineStep: number): Float32Array {
  const radius = Math.ceil(3 * sigma);
  const kernel = Float32Array.from({ length: 2 * radius + 1 }, (_, j) => Math.exp(-0.5 * ((j - radius) / sigma) ** 2));
  const sum = kernel.reduce((a, b) => a + b, 0);
  for (let j = 0; j < kernel.length; j++) kernel[j]! /= sum;
  const out = new Float32Array(src.length);
  const [lines, length] = step === 1 ? [lh, lw] : [lw, lh];
  for (let l = 0; l < lines; l++) {
    const base = l * lineStep;
    for (let p = 0; p < length; p++) {
      const v = src[base + p * step]!;
      if (v === 0) continue;
      for (let j = -radius; j <= radius; j++) {
        const q = p + j;
        if (q >= 0 && q < length) out[base + q * step]! += v * kernel[j + radius]!;
      }
    }
  }
  return out;
}

/** The fallback contact shadow: an elliptical Gaussian under the box's bottom centre. */
function ellipseShadow(
  centreX: number, bottomY: number, halfWidth: number, softPx: number, sigmaY: number, lw: number, lh: number,
): Float32Array {
  const out = new Float32Array(lw * lh);
  const sigmaX = Math.hypot(halfWidth * 0.6, softPx);
  const centreY = bottomY - sigmaY * 0.3;
  for (let y = Math.max(0, Math.floor(centreY - 3 * sigmaY)); y < Math.min(lh, Math.ceil(centreY + 3 * sigmaY)); y++) {
    const rowTerm = Math.exp(-0.5 * ((y + 0.5 - centreY) / sigmaY) ** 2);
    for (let x = Math.max(0, Math.floor(centreX - 3 * sigmaX)); x < Math.min(lw, Math.ceil(centreX + 3 * sigmaX)); x++) {
      out[y * lw + x] = rowTerm * Math.exp(-0.5 * ((x + 0.5 - centreX) / sigmaX) ** 2);
    }
  }
  return out;
}
