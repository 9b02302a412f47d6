import type { TextBox } from '@shotfarm/shared';

/**
 * Turns DB's probability map into text boxes, after PaddleOCR's `DBPostProcess` (ppocr/postprocess/db_postprocess.py)
 * with the PP-OCRv4 inference defaults. Two simplifications, both fine for a gate that asks "is there text, and how
 * much": regions are 8-connected components instead of cv2 contours, and boxes are axis-aligned instead of
 * minimum-area rotated rectangles (a slanted line gets its upright bounding box).
 */
export interface DbPostProcessOptions {
  /** A map pixel is text when its probability exceeds this. @defaultValue 0.3 */
  binarizeThreshold?: number;
  /** A region is kept when its mean probability is at least this. @defaultValue 0.6 */
  boxScoreThreshold?: number;
  /**
   * DB is trained to predict a text kernel shrunk by `area × (1 − 0.4²) / perimeter`; unclipping grows each box
   * back by `area × unclipRatio / perimeter` on every side. @defaultValue 1.5
   */
  unclipRatio?: number;
  /** Regions looked at, at most, in scan order (a noise map must not cost unbounded time). @defaultValue 1000 */
  maxCandidates?: number;
}

export const defaultDbPostProcess: Required<DbPostProcessOptions> = {
  binarizeThreshold: 0.3,
  boxScoreThreshold: 0.6,
  unclipRatio: 1.5,
  maxCandidates: 1000,
};

/** PaddleOCR's `min_size`: a region thinner than this (map pixels) is noise; after unclipping, thinner than this + 2. */
const minRegionSidePx = 3;

/** The model's output for one image: probabilities 0–1, row-major. */
export interface ProbabilityMap { data: Float32Array; widthPx: number; heightPx: number }

/** The original image's size: boxes are scaled from map pixels to it. */
export interface FrameSize { widthPx: number; heightPx: number }

interface Region { minX: number; maxX: number; minY: number; maxY: number; probSum: number; pixels: number }

/** Boxes in the frame's pixels, sorted top to bottom then left to right, each with its mean probability as `score`. */
export function boxesFromProbabilityMap(map: ProbabilityMap, frame: FrameSize, opts: DbPostProcessOptions = {}): TextBox[] {
  const o = { ...defaultDbPostProcess, ...opts };
  const { data, widthPx: w, heightPx: h } = map;
  if (data.length !== w * h) throw new RangeError(`expected ${w * h} probabilities for ${w}×${h} but received ${data.length}`);
  const scaleX = frame.widthPx / w;
  const scaleY = frame.heightPx / h;
  const boxes: TextBox[] = [];
  for (const r of regions(map, o.binarizeThreshold, o.maxCandidates)) {
    const rw = r.maxX - r.minX + 1;
    const rh = r.maxY - r.minY + 1;
    if (Math.min(rw, rh) < minRegionSidePx) continue;
    // Mean over the region's own pixels (PaddleOCR's "slow" score): for slanted text an upright box would dilute it.
    const score = r.probSum / r.pixels;
    if (score < o.boxScoreThreshold) continue;
    const grow = (rw * rh * o.unclipRatio) / (2 * (rw + rh));
    if (Math.min(rw, rh) + 2 * grow < minRegionSidePx + 2) continue;
    const left = clamp((r.minX - grow) * scaleX, 0, frame.widthPx);
    const right = clamp((r.maxX + 1 + grow) * scaleX, 0, frame.widthPx);
    const top = clamp((r.minY - grow) * scaleY, 0, frame.heightPx);
    const bottom = clamp((r.maxY + 1 + grow) * scaleY, 0, frame.heightPx);
    const leftPx = Math.round(left);
    const topPx = Math.round(top);
    boxes.push({ leftPx, topPx, widthPx: Math.round(right) - leftPx, heightPx: Math.round(bottom) - topPx, score });
  }
  return boxes.sort((a, b) => a.topPx - b.topPx || a.leftPx - b.leftPx);
}

/** 8-connected regions of pixels above the threshold, labelled with an explicit stack (no recursion limit). */
function regions(map: ProbabilityMap, threshold: number, maxCandidates: number): Region[] {
  const { data, widthPx: w, heightPx: h } = map;
  const seen = new Uint8Array(w * h);
  const stack = new Int32Array(w * h);
  const found: Region[] = [];
  for (let start = 0; start < data.length && found.length < maxCandidates; start++) {
    if (seen[start] || !(data[start]! > threshold)) continue;
    const r: Region = { minX: w, maxX: -1, minY: h, maxY: -1, probSum: 0, pixels: 0 };
    let top = 0;
    stack[top++] = start;
    seen[start] = 1;
    while (top > 0) {
      const p = stack[--top]!;
      const x = p % w;
      const y = (p - x) / w;
      r.probSum += data[p]!;
      r.pixels++;
      if (x < r.minX) r.minX = x;
      if (x > r.maxX) r.maxX = x;
      if (y < r.minY) r.minY = y;
      if (y > r.maxY) r.maxY = y;
      for (let dy = -1; dy <= 1; dy++) {
        const ny = y + dy;
        if (ny < 0 || ny >= h) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const nx = x + dx;
          if (nx < 0 || nx >= w) continue;
          const q = ny * w + nx;
          if (seen[q] || !(data[q]! > threshold)) continue;
          seen[q] = 1;
          stack[top++] = q;
        }
      }
    }
    found.push(r);
  }
  return found;
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(Math.max(v, lo), hi);
}
