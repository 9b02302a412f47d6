import type { TextBox } from '@shotfarm/shared';
import type { FrameSize } from './db-postprocess.ts';

/**
 * Cells along the frame's longest side when boxes are rasterised for their union. At 512 a cell is under 2 px of
 * an 800 px image, and still smaller than the thinnest box the detector keeps at any input size (5 map pixels,
 * the map being at most 960 px long), so no kept box vanishes between cell centres.
 */
export const textAreaGridCells = 512;

/**
 * Share of the frame covered by the union of the boxes, 0–1. Overlapping boxes are counted once: each box marks
 * the grid cells whose centres it covers, and the marked cells are counted.
 */
export function textAreaRatio(boxes: readonly TextBox[], frame: FrameSize): number {
  const { widthPx, heightPx } = frame;
  if (boxes.length === 0 || widthPx <= 0 || heightPx <= 0) return 0;
  const cellPx = Math.max(widthPx, heightPx) / textAreaGridCells;
  const cols = Math.max(1, Math.round(widthPx / cellPx));
  const rows = Math.max(1, Math.round(heightPx / cellPx));
  const cellW = widthPx / cols;
  const cellH = heightPx / rows;
  const covered = new Uint8Array(cols * rows);
  let count = 0;
  for (const b of boxes) {
    // Cell c's centre is at (c + 0.5) · cell; it is inside [left, right) when c ∈ [left/cell − 0.5, right/cell − 0.5).
    const c0 = Math.max(0, Math.ceil(b.leftPx / cellW - 0.5));
    const c1 = Math.min(cols, Math.ceil((b.leftPx + b.widthPx) / cellW - 0.5));
    const r0 = Math.max(0, Math.ceil(b.topPx / cellH - 0.5));
    const r1 = Math.min(rows, Math.ceil((b.topPx + b.heightPx) / cellH - 0.5));
    for (let r = r0; r < r1; r++) {
      for (let c = c0; c < c1; c++) {
        const i = r * cols + c;
        if (covered[i]) continue;
        covered[i] = 1;
        count++;
      }
    }
  }
  return count / (cols * rows);
}
