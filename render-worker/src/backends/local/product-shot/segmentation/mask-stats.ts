import { forEachRingPixel, maskExtent, scaleBoxOutward, type BoxPx } from '@shotfarm/shared/images';
import type { MaskImage } from './types.ts';

/** The share of the frame that is at least half product, and the box around it. */
export function maskStats(mask: MaskImage): { productFraction: number; boxPx: BoxPx | null } {
  const { count, box } = maskExtent(mask.data, mask.widthPx, mask.heightPx, { minValue: 128 });
  return { productFraction: count / (mask.widthPx * mask.heightPx), boxPx: box };
}

/** Fraction of the frame's outermost pixels that are at least half product. */
export function frameContact(mask: MaskImage): number {
  const { data, widthPx: w, heightPx: h } = mask;
  let count = 0;
  let total = 0;
  forEachRingPixel(w, h, (i) => { total++; if (data[i]! >= 128) count++; });
  return total > 0 ? count / total : 0;
}

/** Mask box → source box, rounded outward so no product pixel falls outside; the whole photo when there is none. */
export function toSourceBox(box: BoxPx | null, mask: MaskImage, source: { widthPx: number; heightPx: number }): BoxPx {
  return box ? scaleBoxOutward(box, mask, source) : { left: 0, top: 0, width: source.widthPx, height: source.heightPx };
}

/**
 * Fraction of the pixels on the rectangle `insetPx` inside the frame's edge that are at least half product. GrabCut
 * is seeded with a band of certain background along the frame; a product that runs right up to that band wanted
 * to go further (the cut was stopped by the seed, not by an edge in the photo).
 */
export function insetRingContact(mask: MaskImage, insetPx: number): number {
  const { data, widthPx: w, heightPx: h } = mask;
  const x0 = Math.min(insetPx, w - 1);
  const y0 = Math.min(insetPx, h - 1);
  const x1 = Math.max(x0, w - 1 - insetPx);
  const y1 = Math.max(y0, h - 1 - insetPx);
  let count = 0;
  let total = 0;
  const visit = (x: number, y: number): void => { total++; if (data[y * w + x]! >= 128) count++; };
  for (let x = x0; x <= x1; x++) { visit(x, y0); if (y1 !== y0) visit(x, y1); }
  for (let y = y0 + 1; y < y1; y++) { visit(x0, y); if (x1 !== x0) visit(x1, y); }
  return total > 0 ? count / total : 0;
}
