import sharp from 'sharp';
import { z } from 'zod';
import type { BoxPx, MaskImage } from './cutout.ts';

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
/** The shadow is blurred at most this many pixels across, then upsampled: it has no detail to lose. */
const shadowWorkingSidePx = 256;
/** The drop shadow's share of `opacity`: it suggests depth, the contact shadow does the grounding. */
const dropShare = 0.45;

/** What {@link applyShadow} needs to know about the canvas and the product on it. */
export interface ShadowTarget {
  /** Raw RGB of the scene (`widthPx × heightPx × 3`), darkened in place. */
  scene: Buffer;
  widthPx: number;
  heightPx: number;
  /** The product's bounding box on the canvas. */
  productBoxPx: BoxPx;
  /**
   * The product's mask at {@link shadowScale} of the canvas, with where its top-left corner lands on that
   * downscaled canvas; the contact shadow follows its footprint.
   */
  mask: MaskImage & { leftPx: number; topPx: number };
}

/** The factor the product mask for {@link applyShadow} is rendered at, relative to the canvas. */
export function shadowScale(widthPx: number, heightPx: number): number {
  return Math.min(1, shadowWorkingSidePx / Math.max(widthPx, heightPx));
}

/**
 * Darkens the scene under the product. The contact shadow is an ellipse across the product's footprint (its
 * bottom rows), flattened as seen from a camera slightly above; the drop shadow is the product's own shape,
 * nudged down and blurred. Both are drawn small, blurred by sharp, upsampled and multiplied into the scene, so
 * the shadow keeps the scene's hue rather than greying it.
 * @example
 * await applyShadow({ scene, widthPx: 800, heightPx: 800, productBoxPx, mask }, ShadowOptions.parse({ opacity: 0.3 }));
 */
export async function applyShadow(target: ShadowTarget, options: ShadowOptions): Promise<void> {
  if (options.opacity <= 0) return;
  const { widthPx: w, heightPx: h, productBoxPx: box } = target;
  const k = shadowScale(w, h);
  const lw = Math.max(1, Math.round(w * k));
  const lh = Math.max(1, Math.round(h * k));
  const blurPx = (options.blurPx ?? defaultShadowBlurFraction * Math.max(w, h)) * k;
  const map = new Float32Array(lw * lh);

  // Contact shadow: centred under the footprint, as wide as it, a fifth as tall as wide (a low camera angle).
  const foot = footprint(target.mask, box.height * k);
  const cx = foot ? foot.centreX : (box.left + box.width / 2) * k;
  const rx = Math.max(1, (foot ? foot.width : box.width * k) * 0.55);
  const ry = Math.max(1, rx * 0.12);
  const cy = (box.top + box.height) * k - ry * 0.35;
  for (let y = Math.max(0, Math.floor(cy - 3 * ry)); y < Math.min(lh, Math.ceil(cy + 3 * ry)); y++) {
    for (let x = Math.max(0, Math.floor(cx - 3 * rx)); x < Math.min(lw, Math.ceil(cx + 3 * rx)); x++) {
      const e = ((x + 0.5 - cx) / rx) ** 2 + ((y + 0.5 - cy) / ry) ** 2;
      map[y * lw + x] = Math.exp(-2.5 * e);
    }
  }
  const contact = await blurMap(map, lw, lh, Math.max(0.3, blurPx * 0.3));

  let combined = contact;
  if (options.drop) {
    const drop = new Float32Array(lw * lh);
    const { mask } = target;
    const offsetY = Math.round(box.height * k * 0.02 + blurPx * 0.5);
    for (let y = 0; y < mask.heightPx; y++) {
      const ty = y + mask.topPx + offsetY;
      if (ty < 0 || ty >= lh) continue;
      for (let x = 0; x < mask.widthPx; x++) {
        const tx = x + mask.leftPx;
        if (tx >= 0 && tx < lw) drop[ty * lw + tx] = mask.data[y * mask.widthPx + x]! / 255;
      }
    }
    const blurred = await blurMap(drop, lw, lh, Math.max(0.3, blurPx));
    combined = new Float32Array(lw * lh);
    for (let i = 0; i < combined.length; i++) combined[i] = 1 - (1 - contact[i]!) * (1 - dropShare * blurred[i]!);
  }

  // Upsample as 8 bits: a step of 1/255 in the map is a fraction of a level once multiplied by the opacity.
  const bytes = Buffer.allocUnsafe(lw * lh);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Math.round(Math.min(1, combined[i]!) * 255);
  const full = await sharp(bytes, { raw: { width: lw, height: lh, channels: 1 } })
    .resize(w, h, { fit: 'fill', kernel: 'linear' }).raw().toBuffer();
  const strength = options.opacity / 255;
  const { scene } = target;
  for (let i = 0; i < w * h; i++) {
    const a = full[i]!;
    if (a === 0) continue;
    const gain = 1 - a * strength;
    const o = i * 3;
    scene[o] = Math.round(scene[o]! * gain);
    scene[o + 1] = Math.round(scene[o + 1]! * gain);
    scene[o + 2] = Math.round(scene[o + 2]! * gain);
  }
}

/** The horizontal extent of the mask's bottom rows (its last ~6% of height): where the product touches down. */
function footprint(mask: ShadowTarget['mask'], heightPx: number): { centreX: number; width: number } | null {
  const rows = Math.max(1, Math.round(heightPx * 0.06));
  let bottom = -1;
  for (let y = mask.heightPx - 1; y >= 0 && bottom < 0; y--) {
    for (let x = 0; x < mask.widthPx; x++) if (mask.data[y * mask.widthPx + x]! >= 128) { bottom = y; break; }
  }
  if (bottom < 0) return null;
  let x0 = mask.widthPx;
  let x1 = -1;
  for (let y = Math.max(0, bottom - rows); y <= bottom; y++) {
    for (let x = 0; x < mask.widthPx; x++) {
      if (mask.data[y * mask.widthPx + x]! >= 128) { if (x < x0) x0 = x; if (x > x1) x1 = x; }
    }
  }
  const mx = mask.leftPx;
  return { centreX: mx + (x0 + x1 + 1) / 2, width: x1 - x0 + 1 };
}

async function blurMap(map: Float32Array, w: number, h: number, sigmaPx: number): Promise<Float32Array> {
  const bytes = Buffer.allocUnsafe(w * h);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Math.round(Math.min(1, map[i]!) * 255);
  const blurred = await sharp(bytes, { raw: { width: w, height: h, channels: 1 } }).blur(sigmaPx).raw().toBuffer();
  return Float32Array.from(blurred, (v) => v / 255);
}
