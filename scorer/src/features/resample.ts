/** A rectangle in pixel units; may be fractional and may reach past the image (edge pixels repeat). */
export interface SampleBox {
  left: number;
  top: number;
  width: number;
  height: number;
}

/**
 * Resamples a box of a single-channel image to `widthPx × heightPx`: the mean of the source pixels under each target
 * pixel when shrinking (no aliasing), bilinear interpolation when enlarging.
 */
export function resampleBox(
  src: Float32Array, srcWidthPx: number, srcHeightPx: number, box: SampleBox, widthPx: number, heightPx: number,
): Float32Array {
  const out = new Float32Array(widthPx * heightPx);
  const stepX = box.width / widthPx;
  const stepY = box.height / heightPx;
  const clampX = (x: number): number => (x < 0 ? 0 : x > srcWidthPx - 1 ? srcWidthPx - 1 : x);
  const clampY = (y: number): number => (y < 0 ? 0 : y > srcHeightPx - 1 ? srcHeightPx - 1 : y);
  for (let ty = 0; ty < heightPx; ty++) {
    const y0 = box.top + ty * stepY;
    for (let tx = 0; tx < widthPx; tx++) {
      const x0 = box.left + tx * stepX;
      let v: number;
      if (stepX <= 1 && stepY <= 1) {
        const x = clampX(x0 + stepX / 2 - 0.5);
        const y = clampY(y0 + stepY / 2 - 0.5);
        const xa = Math.floor(x);
        const ya = Math.floor(y);
        const xb = Math.min(srcWidthPx - 1, xa + 1);
        const yb = Math.min(srcHeightPx - 1, ya + 1);
        const fx = x - xa;
        const fy = y - ya;
        const top = src[ya * srcWidthPx + xa]! * (1 - fx) + src[ya * srcWidthPx + xb]! * fx;
        const bottom = src[yb * srcWidthPx + xa]! * (1 - fx) + src[yb * srcWidthPx + xb]! * fx;
        v = top * (1 - fy) + bottom * fy;
      } else {
        const xa = Math.floor(x0);
        const xb = Math.max(xa + 1, Math.round(x0 + stepX));
        const ya = Math.floor(y0);
        const yb = Math.max(ya + 1, Math.round(y0 + stepY));
        let s = 0;
        for (let y = ya; y < yb; y++) {
          const row = clampY(y) * srcWidthPx;
          for (let x = xa; x < xb; x++) s += src[row + clampX(x)]!;
        }
        v = s / ((xb - xa) * (yb - ya));
      }
      out[ty * widthPx + tx] = v;
    }
  }
  return out;
}
