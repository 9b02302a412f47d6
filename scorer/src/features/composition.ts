import type { ProductMask } from './product-mask.ts';

/** A product region counts as a subject when it covers at least this share of the frame. */
export const minSubjectShare = 0.01;
/** Half the diagonal of the unit frame: centroid distances are measured in frame units and divided by it. */
const halfDiagonal = Math.SQRT1_2;
const thirdsPoints = [[1 / 3, 1 / 3], [2 / 3, 1 / 3], [1 / 3, 2 / 3], [2 / 3, 2 / 3]] as const;

/** A box in working-copy pixels, right and bottom exclusive. */
export interface PixelBox {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/** A box in original pixels. */
export interface BoxPx {
  left: number;
  top: number;
  width: number;
  height: number;
}

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
  workingBox: PixelBox;
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
  let count = 0;
  let sx = 0;
  let sy = 0;
  let x0 = w;
  let y0 = h;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0, i = 0; y < h; y++) {
    for (let x = 0; x < w; x++, i++) {
      if (!data[i]) continue;
      count++;
      sx += x;
      sy += y;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
    }
  }
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
  const cx = (sx / count + 0.5) / w;
  const cy = (sy / count + 0.5) / h;
  const bw = x1 - x0 + 1;
  const bh = y1 - y0 + 1;
  const bboxPx = toOriginalBox(x0, y0, bw, bh, w, h, original);
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

/** Working-copy box → original box, rounded outward so no product pixel falls outside. */
function toOriginalBox(
  x0: number, y0: number, bw: number, bh: number, w: number, h: number,
  original: { widthPx: number; heightPx: number },
): BoxPx {
  const sx = original.widthPx / w;
  const sy = original.heightPx / h;
  const left = Math.max(0, Math.floor(x0 * sx));
  const top = Math.max(0, Math.floor(y0 * sy));
  const right = Math.min(original.widthPx, Math.ceil((x0 + bw) * sx));
  const bottom = Math.min(original.heightPx, Math.ceil((y0 + bh) * sy));
  return { left, top, width: Math.max(1, right - left), height: Math.max(1, bottom - top) };
}
