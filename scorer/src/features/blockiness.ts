import type { LumaBands } from './luma-bands.ts';

/**
 * Steps smaller than this (grey levels) count as no step: JPEG at ordinary qualities leaves ±1 steps between the DC
 * levels of neighbouring blocks in smooth areas, which nobody can see.
 */
const invisibleStep = 1.5;
/**
 * Steps larger than this are content (an edge that happens to lie on a block boundary, or graphics drawn on an
 * 8-pixel grid), not compression, and are left out of both means. Blocking shows in smooth and textured areas as
 * steps of a few levels, well below this.
 */
const contentStep = 16;
/** Steps between two pixels both at or above this (or both at or below {@link clippedDark}) carry no information. */
const clippedLight = 250;
const clippedDark = 5;
/**
 * Added to both mean steps so that a flat image (no steps at all) reads 1, not 0/0; a quarter of a grey level is
 * far below any visible discontinuity.
 */
const flatFloor = 0.25;

/**
 * JPEG blockiness of the original: the mean luma step across the 8 × 8 block boundaries divided by the mean step
 * everywhere else, horizontally and vertically together, over the steps that could be blocking (see
 * {@link invisibleStep}, {@link contentStep}). About 1 for a clean image (a boundary is like any other column),
 * 1.1–1.5 for a typical web JPEG, 2–4 at quality 10, where each block is nearly flat and steps to the next.
 * Measured on the original's own grid because any resize smears the boundaries between pixels. Pairs of clipped
 * pixels are left out: a blown-out area is flat whatever the encoder did.
 */
export function jpegBlockiness(bands: LumaBands): number {
  const w = bands.widthPx;
  let boundarySum = 0;
  let boundaryCount = 0;
  let innerSum = 0;
  let innerCount = 0;
  for (let b = 0; b < bands.bands.length; b++) {
    const band = bands.bands[b]!;
    const y0 = bands.startRows[b]!;
    for (let r = 0; r < bands.rows; r++) {
      const row = r * w;
      // Horizontal steps between columns x and x + 1; a boundary when x + 1 is a multiple of 8.
      for (let x = 0; x < w - 1; x++) {
        const a = band[row + x]!;
        const b2 = band[row + x + 1]!;
        if (isClippedPair(a, b2)) continue;
        const d = b2 - a;
        const step = d < 0 ? -d : d;
        if (step > contentStep) continue;
        const counted = step < invisibleStep ? 0 : step;
        if ((x & 7) === 7) { boundarySum += counted; boundaryCount++; } else { innerSum += counted; innerCount++; }
      }
      // Vertical steps between rows y and y + 1 of the image; a boundary when y + 1 is a multiple of 8.
      if (r + 1 < bands.rows) {
        const next = row + w;
        let sum = 0;
        let count = 0;
        for (let x = 0; x < w; x++) {
          const a = band[row + x]!;
          const b2 = band[next + x]!;
          if (isClippedPair(a, b2)) continue;
          const d = b2 - a;
          const step = d < 0 ? -d : d;
          if (step > contentStep) continue;
          sum += step < invisibleStep ? 0 : step;
          count++;
        }
        if (((y0 + r) & 7) === 7) { boundarySum += sum; boundaryCount += count; } else { innerSum += sum; innerCount += count; }
      }
    }
  }
  if (boundaryCount === 0 || innerCount === 0) return 1;
  return (boundarySum / boundaryCount + flatFloor) / (innerSum / innerCount + flatFloor);
}

function isClippedPair(a: number, b: number): boolean {
  return (a >= clippedLight && b >= clippedLight) || (a <= clippedDark && b <= clippedDark);
}
