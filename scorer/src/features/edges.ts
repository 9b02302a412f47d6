/**
 * A Sobel response at least this strong marks an edge pixel. The kernels weigh a step over 4 rows, so 80 is a
 * step of about 20 grey levels: clearly visible, and far above JPEG's error or ordinary sensor noise.
 */
export const edgeMagnitudeThreshold = 80;

/** Share of pixels on a Sobel edge, over the frame and over the background. */
export interface EdgeShares {
  /** Share of the frame's interior pixels on an edge. */
  frame: number;
  /** Share of the background's interior pixels on an edge (0 when there is no background). */
  background: number;
}

/**
 * Shares of interior pixels whose Sobel gradient magnitude reaches {@link edgeMagnitudeThreshold}, over the whole
 * frame and over the pixels where `productMask` is 0, in one pass (squared magnitudes: no square roots).
 */
export function edgeShares(luma: Float32Array, widthPx: number, heightPx: number, productMask?: Uint8Array): EdgeShares {
  const w = widthPx;
  const threshold = edgeMagnitudeThreshold * edgeMagnitudeThreshold;
  let edges = 0;
  let total = 0;
  let bgEdges = 0;
  let bgTotal = 0;
  for (let y = 1; y < heightPx - 1; y++) {
    for (let x = 1, i = y * w + 1; x < w - 1; x++, i++) {
      const a = luma[i - w - 1]!;
      const c = luma[i - w + 1]!;
      const g = luma[i + w - 1]!;
      const k = luma[i + w + 1]!;
      const gx = c + 2 * luma[i + 1]! + k - a - 2 * luma[i - 1]! - g;
      const gy = g + 2 * luma[i + w]! + k - a - 2 * luma[i - w]! - c;
      const edge = gx * gx + gy * gy >= threshold ? 1 : 0;
      edges += edge;
      total++;
      if (productMask && !productMask[i]) { bgEdges += edge; bgTotal++; }
    }
  }
  return { frame: total > 0 ? edges / total : 0, background: bgTotal > 0 ? bgEdges / bgTotal : 0 };
}
