import type { LumaBands } from './luma-bands.ts';

/** Columns per noise block; with up to 7 rows, 168 pixels per local estimate. */
const blockWidthPx = 24;
/** Rows per noise block: the 7 interior rows of a 9-row band. */
const blockRows = 7;
/**
 * The estimate is the 10th percentile of the local ones: noise covers the whole frame, texture and edges do not,
 * so the quietest tenth of the image shows the noise alone (the idea of Immerkær's edge-excluded variant,
 * without a gradient threshold to tune).
 */
const quietestShare = 0.1;
/**
 * Blocks whose mean luma lies outside these levels sit on clipped white or black, where clipping cuts off the half
 * of the noise that would go past 255 (or 0). Their estimates are doubled, which roughly undoes that, so a noisy
 * image on a blown white background does not read as clean, while a clean one still reads 0.
 */
const clippedBlockHigh = 245;
const clippedBlockLow = 10;
const clippedNoiseGain = 2;
/** √(π/2) / 6: turns the mean absolute response of Immerkær's mask into σ for Gaussian noise. */
const immerkaerScale = Math.sqrt(Math.PI / 2) / 6;

/** Noise levels of an image, two ways. */
export interface NoiseLevels {
  /** σ over every block, clipped ones corrected (see {@link clippedNoiseGain}): the noise a viewer sees. */
  sigma: number;
  /**
   * σ over the blocks that are not clipped (all blocks when every one is): the noise where edges can be. Edge
   * measures take their tolerances from this one, so that blowing out the background (the quietest area of many
   * photos) does not make the noise they must tolerate vanish.
   */
  unclippedSigma: number;
}

/**
 * Noise σ (0–255 scale) of the original, after J. Immerkær, "Fast noise variance estimation" (CVIU 1996): the mask
 * [1 −2 1; −2 4 −2; 1 −2 1] cancels any locally linear or quadratic image content, leaving mostly noise.
 * Measured on the file's own pixels: a resize averages noise away (a 4× reduction hides σ = 12 down to about 1.5).
 */
export function noiseSigma(bands: LumaBands): number {
  return noiseLevels(bands).sigma;
}

/** Both {@link NoiseLevels} in one pass over the bands. */
export function noiseLevels(bands: LumaBands): NoiseLevels {
  const w = bands.widthPx;
  const rows = bands.rows;
  if (rows < 3 || w < 3) return { sigma: 0, unclippedSigma: 0 };
  const all: number[] = [];
  const unclipped: number[] = [];
  for (const band of bands.bands) {
    for (let r0 = 1; r0 < rows - 1; r0 += blockRows) {
      const r1 = Math.min(rows - 1, r0 + blockRows);
      for (let x0 = 1; x0 < w - 1; x0 += blockWidthPx) {
        const x1 = Math.min(w - 1, x0 + blockWidthPx);
        // A sliver at the right or bottom edge has too few pixels to trust, unless it is all there is.
        if ((x1 - x0) * (r1 - r0) < (blockWidthPx * blockRows) / 3 && (x0 > 1 || r0 > 1)) continue;
        const block = immerkaer(band, w, r0, r1, x0, x1);
        const clipped = block.mean > clippedBlockHigh || block.mean < clippedBlockLow;
        all.push(clipped ? clippedNoiseGain * block.sigma : block.sigma);
        if (!clipped) unclipped.push(block.sigma);
      }
    }
  }
  const sigma = quietest(all);
  return { sigma, unclippedSigma: unclipped.length > 0 ? quietest(unclipped) : sigma };
}

/** The {@link quietestShare} quantile of the local estimates; 0 when there are none. */
function quietest(estimates: number[]): number {
  if (estimates.length === 0) return 0;
  estimates.sort((a, b) => a - b);
  return estimates[Math.floor((estimates.length - 1) * quietestShare)]!;
}

/** σ from the mean absolute response of Immerkær's mask over rows [r0, r1) and columns [x0, x1), and their mean luma. */
function immerkaer(
  band: Float32Array, w: number, r0: number, r1: number, x0: number, x1: number,
): { sigma: number; mean: number } {
  let sum = 0;
  let level = 0;
  for (let r = r0; r < r1; r++) {
    const row = r * w;
    for (let x = x0; x < x1; x++) {
      const i = row + x;
      const v = band[i - w - 1]! - 2 * band[i - w]! + band[i - w + 1]!
        - 2 * band[i - 1]! + 4 * band[i]! - 2 * band[i + 1]!
        + band[i + w - 1]! - 2 * band[i + w]! + band[i + w + 1]!;
      sum += v < 0 ? -v : v;
      level += band[i]!;
    }
  }
  const n = (r1 - r0) * (x1 - x0);
  return { sigma: (immerkaerScale * sum) / n, mean: level / n };
}
