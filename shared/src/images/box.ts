/**
 * A pixel rectangle, left and top inclusive, `width` × `height` pixels. Which image's pixels (a working copy, the
 * original, a canvas) is said by the name of the field or variable that holds it.
 */
export interface BoxPx {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** What {@link maskExtent} finds. */
export interface MaskExtent {
  /** Pixels at or above the threshold. */
  count: number;
  /** Their bounding box, in the mask's own pixels; null when there are none. */
  box: BoxPx | null;
  /** Mean column and row of those pixels (pixel indices, not centres); NaN when there are none. */
  meanX: number;
  meanY: number;
}

/**
 * One scan of a single-channel mask (`widthPx` × `heightPx`, one byte a pixel): how many pixels are at or above
 * `minValue`, their bounding box and their mean position. `rows` limits the scan to rows `[from, to]` (inclusive).
 */
export function maskExtent(
  mask: Uint8Array, widthPx: number, heightPx: number,
  opts: { minValue?: number; rows?: readonly [number, number] } = {},
): MaskExtent {
  const minValue = opts.minValue ?? 1;
  const fromRow = Math.max(0, opts.rows?.[0] ?? 0);
  const toRow = Math.min(heightPx - 1, opts.rows?.[1] ?? heightPx - 1);
  let count = 0;
  let sumX = 0;
  let sumY = 0;
  let x0 = widthPx;
  let y0 = heightPx;
  let x1 = -1;
  let y1 = -1;
  for (let y = fromRow; y <= toRow; y++) {
    for (let x = 0, i = y * widthPx; x < widthPx; x++, i++) {
      if (mask[i]! < minValue) continue;
      count++;
      sumX += x;
      sumY += y;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
    }
  }
  if (count === 0) return { count, box: null, meanX: Number.NaN, meanY: Number.NaN };
  return { count, box: { left: x0, top: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 }, meanX: sumX / count, meanY: sumY / count };
}

/**
 * A box on a scaled copy (`from`) → the same region on the image it was scaled from (`to`), rounded outward so
 * no pixel of the region falls outside, and clipped to the image.
 */
export function scaleBoxOutward(
  box: BoxPx, from: { widthPx: number; heightPx: number }, to: { widthPx: number; heightPx: number },
): BoxPx {
  const sx = to.widthPx / from.widthPx;
  const sy = to.heightPx / from.heightPx;
  const left = Math.max(0, Math.floor(box.left * sx));
  const top = Math.max(0, Math.floor(box.top * sy));
  const right = Math.min(to.widthPx, Math.ceil((box.left + box.width) * sx));
  const bottom = Math.min(to.heightPx, Math.ceil((box.top + box.height) * sy));
  return { left, top, width: Math.max(1, right - left), height: Math.max(1, bottom - top) };
}
