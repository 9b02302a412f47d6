import { z } from 'zod';
import type { MarketplacePreset } from '@shotfarm/shared';
import type { BoxPx } from '@shotfarm/shared/images';

/** Where in the free space the product sits. */
export const Placement = z.enum(['center', 'lower-third', 'left-third', 'right-third']);
export type Placement = z.infer<typeof Placement>;

/** How a variant frames the product. */
export const Composition = z.strictObject({
  /** `center`, or an offset towards a third: `lower-third` leaves more air above, as a product resting on a floor. */
  placement: Placement.default('center'),
  /** Fraction of the largest size that fits within the margins; ignored by presets that fix the fill. */
  scale: z.number().min(0.5).max(1).default(1),
  /** Free space on each side, percent of the canvas's shorter side; the preset's when absent. */
  marginPct: z.number().min(0).max(40).optional(),
});
export type Composition = z.infer<typeof Composition>;

/** Where the product's bounding box lands on the canvas. */
export interface ProductPlacement {
  /** Source pixels → canvas pixels. */
  scale: number;
  /** The bounding box on the canvas, in canvas pixels (not rounded). */
  leftPx: number;
  topPx: number;
  widthPx: number;
  heightPx: number;
  /** The photo is enlarged (scale > 1): it was smaller than the slot; worth telling the user, not an error. */
  upscaled: boolean;
}

/** Fraction of the free space left of / above the product, per placement. */
const anchors: Readonly<Record<Placement, readonly [number, number]>> = {
  center: [0.5, 0.5],
  'lower-third': [0.5, 0.8],
  'left-third': [0.2, 0.5],
  'right-third': [0.8, 0.5],
};

/**
 * Fits the product's bounding box into the canvas: keeps its aspect, scales it to the largest size within the
 * margins (times `composition.scale`), and anchors it in the space that is left. The scale is whatever the fit
 * needs, up or down; a photo smaller than the slot is enlarged and the placement says so.
 * @example
 * const p = placeProduct({ left: 40, top: 60, width: 300, height: 420 }, marketplacePresets['taobao-800'], { placement: 'center', scale: 1 });
 * // p.scale ≈ 1.75, p.upscaled === true
 */
export function placeProduct(bboxPx: BoxPx, preset: MarketplacePreset, composition: Composition): ProductPlacement {
  const { widthPx: canvasW, heightPx: canvasH } = preset;
  let slotW: number;
  let slotH: number;
  if (preset.productFillPct !== null) {
    slotW = (canvasW * preset.productFillPct) / 100;
    slotH = (canvasH * preset.productFillPct) / 100;
  } else {
    const marginPx = ((composition.marginPct ?? preset.marginPct) / 100) * Math.min(canvasW, canvasH);
    // A margin that leaves less than a fifth of the canvas would make the product a speck; cap it there.
    slotW = Math.max(canvasW * 0.2, canvasW - 2 * marginPx);
    slotH = Math.max(canvasH * 0.2, canvasH - 2 * marginPx);
  }
  const fitScale = Math.min(slotW / bboxPx.width, slotH / bboxPx.height);
  const scale = preset.productFillPct !== null ? fitScale : fitScale * composition.scale;
  const widthPx = bboxPx.width * scale;
  const heightPx = bboxPx.height * scale;
  const [ax, ay] = anchors[composition.placement];
  const slotLeft = (canvasW - slotW) / 2;
  const slotTop = (canvasH - slotH) / 2;
  return {
    scale,
    leftPx: slotLeft + (slotW - widthPx) * ax,
    topPx: slotTop + (slotH - heightPx) * ay,
    widthPx,
    heightPx,
    upscaled: scale > 1,
  };
}
