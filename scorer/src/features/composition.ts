import { maskExtent, scaleBoxOutward, type BoxPx, type ProductMask } from '@shotfarm/shared/images';

/** A product region counts as a subject when it covers at least this share of the frame. */
export const minSubjectShare = 0.01;
/** Half the diagonal of the unit frame: centroid distances are measured in frame units and divided by it. */
const halfDiagonal = Math.SQRT1_2;
const thirdsPoints = [[1 / 3, 1 / 3], [2 / 3, 1 / 3], [1 / 3, 2 / 3], [2 / 3, 2 / 3]] as const;

/**
 * A box by its edges in working-copy pixels, right and bottom exclusive (fidelity crops the working copies with it).
 * Boxes in original pixels are {@link BoxPx} (left, top, width, height).
 */
export interface WorkingCopyEdges {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

export type { BoxPx };

/** Where the product sits in the frame. */
export interface CompositionFeatures {
  /** 1 when a product was separated from a background (alpha or border flood), else 0. */
  productFound: number;
  fillRatio: number;
  bboxFill: number;
  bboxAreaRatio: number;
  bboxWidthPx: number;
  bboxHeightPx: number;
  centroidOffset: number;
  centroidX: number;
  centroidY: number;
  thirdsDistance: number;
  subjectCount: number;
  productTouchesEdge: number;
}

/** {@link CompositionFeatures} plus the product's box in working and in original pixels. */
export interface Composition {
  features: CompositionFeatures;
  /** The product's bounding box on the working copy (the whole frame when there is no product). */
  workingBox: WorkingCopyEdges;
  /** The product's bounding box in original pixels (all zero when there is no product). */
  bboxPx: BoxPx;
}

/**
 * Composition from the product mask. Frame-relative measures use the unit frame (x and y in 0–1), so a centred
 * product reads the same on a portrait and a landscape image. A mask that is the whole frame (no background found)
 * gives a centred subject touching every edge; an empty one gives zeros and a centroid at the centre.
 */
export function composition(mask: ProductMask, original: { widthPx: number; heightPx: number }): Composition {
  const { data, widthPx: w, heightPx: h } = mask;
  const extent = maskExtent(data, w, h);
  const { count } = extent;
  const found = mask.method === 'alpha' || mask.method === 'border-flood' ? 1 : 0;
  if (count === 0) {
    return {
      features: {
        productFound: 0, fillRatio: 0, bboxFill: 0, bboxAreaRatio: 0, bboxWidthPx: 0, bboxHeightPx: 0,
        centroidOffset: 0, centroidX: 0.5, centroidY: 0.5, thirdsDistance: nearestThird(0.5, 0.5),
        subjectCount: 0, productTouchesEdge: 0,
      },
      workingBox: { left: 0, top: 0, right: w, bottom: h },
      bboxPx: { left: 0, top: 0, width: 0, height: 0 },
    };
  }
  const box = extent.box!;
  const cx = (extent.meanX + 0.5) / w;
  const cy = (extent.meanY + 0.5) / h;
  const [x0, y0, bw, bh] = [box.left, box.top, box.width, box.height];
  const x1 = x0 + bw - 1;
  const y1 = y0 + bh - 1;
  const bboxPx = scaleBoxOutward(box, mask, original);
  return {
    features: {
      productFound: found,
      fillRatio: count / (w * h),
      bboxFill: Math.max(bw / w, bh / h),
      bboxAreaRatio: (bw * bh) / (w * h),
      bboxWidthPx: bboxPx.width,
      bboxHeightPx: bboxPx.height,
      centroidOffset: Math.hypot(cx - 0.5, cy - 0.5) / halfDiagonal,
      centroidX: cx,
      centroidY: cy,
      thirdsDistance: nearestThird(cx, cy),
      subjectCount: mask.regionSizesPx.filter((size) => size >= minSubjectShare * w * h).length,
      productTouchesEdge: x0 === 0 || y0 === 0 || x1 === w - 1 || y1 === h - 1 ? 1 : 0,
    },
    workingBox: { left: x0, top: y0, right: x1 + 1, bottom: y1 + 1 },
    bboxPx,
  };
}

function nearestThird(cx: number, cy: number): number {
  let best = Infinity;
  for (const [tx, ty] of thirdsPoints) best = Math.min(best, Math.hypot(cx - tx, cy - ty));
  return best / halfDiagonal;
}
