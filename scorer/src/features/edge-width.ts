import type { LumaBands } from './luma-bands.ts';
import { srgbByteToLinear } from '@shotfarm/shared/images';

/** A region of the original, in its pixels; right and bottom exclusive. */
export interface EdgeRegion {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/** Options of {@link edgeWidthPx}. */
export interface EdgeWidthOptions {
  /** Only edges centred in this region count (the product's box). @defaultValue the whole image */
  region?: EdgeRegion;
  /** Luma noise σ of the original: noise must neither pass for edges nor cut edges short. @defaultValue 0 */
  noiseSigma?: number;
  /**
   * Which edges to average: the crispest share of them, by contrast weight. A small share reads the part of the
   * picture in focus, unmoved by a soft background. @defaultValue {@link defaultCrispShare}
   */
  crispShare?: number;
}

/**
 * The share of edges averaged by default: the crispest 30 %. A mean over a share rather than a single percentile,
 * because edge widths cluster (pixel-sharp detail, focused outlines, soft shading) and a percentile that falls
 * between two clusters jumps from one to the other at the slightest change.
 */
export const defaultCrispShare = 0.3;
/** Width histogram bins per pixel; widths beyond 30 px land in the last bin. */
const binsPerPx = 20;
const histogramBins = 30 * binsPerPx;
/** The most pixels an edge profile is followed on either side of its centre. */
const maxWalkPx = 12;
/** Steps below this many grey levels (plus the noise allowance) do not count as an edge at all. */
const baseMinContrast = 16;
/** A profile that turns back by more than this (plus the noise allowance) has ended. */
const baseTurnTolerance = 2;
/** Luma at or above which a pixel is clipped white: an edge whose steepest step reaches it cannot be read. */
const clipHighLuma = 250;
/** sRGB-encoded value (0–255) → linear light (0–1), with one extra entry so interpolation can read v + 1. */
const linearOf = Float64Array.from({ length: 257 }, (_, v) => srgbByteToLinear[Math.min(255, v)]!);

/**
 * Width in original pixels of the image's crisp edges: a no-reference blur measure in the spirit of Marziliano et
 * al. (2002), read along the rows of the sampled bands (vertical edges; blur is the same in every direction).
 *
 * For each local maximum of the horizontal gradient, the luma profile is followed to its extremes on both sides;
 * the edge's 10–90 % width is read on its dark half in linear light (see riseWidth), so that a change of exposure,
 * a gain on linear light, leaves it as it was even where highlights clip. The widths are pooled with the edge's
 * rise as weight and the mean width of the crispest {@link defaultCrispShare} is reported: the part in focus.
 *
 * It depends only on how steep edges are relative to their own height, not on how much contrast or texture the
 * picture has: about 1–2 px for a crisp edge, plus about 2.6σ for a Gaussian blur of σ px. Measured at full
 * resolution, where a blur of a pixel or two shows however large the image is. Noise widens the tolerances, so it
 * neither shortens edges by turning them back early nor adds edges of its own. Edges centred on the JPEG 8 × 8 grid
 * are skipped, so the steps between the blocks of a heavily compressed image do not pass for crisp edges.
 * 0 when the image has no clear edge.
 */
export function edgeWidthPx(bands: LumaBands, opts: EdgeWidthOptions = {}): number {
  const sigma = opts.noiseSigma ?? 0;
  const w = bands.widthPx;
  if (w < 5 || bands.rows < 3) return 0;
  const minContrast = baseMinContrast + 10 * sigma;
  const params = { turn: baseTurnTolerance + 3 * sigma, minContrast, minStep: Math.max(4, minContrast / 5) };
  const region = opts.region ?? { left: 0, top: 0, right: w, bottom: Number.MAX_SAFE_INTEGER };
  const acc = new Float64Array(histogramBins);
  for (let b = 0; b < bands.bands.length; b++) {
    const y0 = bands.startRows[b]!;
    // The first and last row of a band lack the row above or below that tells an edge's direction.
    for (let r = 1; r < bands.rows - 1; r++) {
      if (y0 + r < region.top || y0 + r >= region.bottom) continue;
      scanRow(bands.bands[b]!, r * w, w, { from: region.left, to: region.right }, params, acc);
    }
  }
  return crispMean(acc, opts.crispShare ?? defaultCrispShare);
}

interface ScanParams {
  turn: number;
  minContrast: number;
  /** The smallest central difference that can be the steepest point of an edge with {@link ScanParams.minContrast}. */
  minStep: number;
}

/** Finds the edges of one row (pixels [start, start + w) of `luma`) centred in [span.from, span.to). */
function scanRow(
  luma: Float32Array, start: number, w: number, span: { from: number; to: number }, params: ScanParams, acc: Float64Array,
): void {
  const { turn, minContrast, minStep } = params;
  const last = Math.min(w - 2, span.to);
  let p = Math.max(2, span.from);
  if (p >= last) return;
  let i = start + p;
  // d(p) = L(p + 1) − L(p − 1), carried along for p − 1, p and p + 1 as the scan moves on.
  let dBefore = luma[i]! - luma[i - 2]!;
  let dHere = luma[i + 1]! - luma[i - 1]!;
  for (; p < last; p++, i++) {
    const d = dHere;
    const before = dBefore;
    const after = luma[i + 2]! - luma[i]!;
    dBefore = dHere;
    dHere = after;
    const ad = d < 0 ? -d : d;
    if (ad < minStep) continue;
    if (ad < (before < 0 ? -before : before) || ad <= (after < 0 ? -after : after)) continue;
    // d(p) spans pixels p − 1 to p + 1: it crosses a block boundary (between 8k − 1 and 8k) when p is 8k − 1 or 8k.
    if ((p & 7) === 7 || (p & 7) === 0) continue;
    // Keep edges that run across the row; a mostly horizontal edge has no meaningful width along it.
    const perp = luma[i + w]! - luma[i - w]!;
    if ((perp < 0 ? -perp : perp) > ad) continue;
    const sign = d > 0 ? 1 : -1;
    let high = luma[i]! * sign;
    let highAt = p;
    for (let q = p + 1; q < w && q <= p + maxWalkPx; q++) {
      const v = luma[start + q]! * sign;
      if (v > high) { high = v; highAt = q; } else if (v < high - turn) break;
    }
    let low = luma[i]! * sign;
    let lowAt = p;
    for (let q = p - 1; q >= 0 && q >= p - maxWalkPx; q--) {
      const v = luma[start + q]! * sign;
      if (v < low) { low = v; lowAt = q; } else if (v > low + turn) break;
    }
    const rise = high - low;
    if (rise < minContrast) continue;
    const width = riseWidth(luma, start, lowAt, highAt);
    if (width < 0) continue;
    acc[Math.min(histogramBins - 1, Math.round(width * binsPerPx))]! += rise;
  }
}

/**
 * The edge's 10–90 % width, read on its dark half in linear light: twice the distance from the point 10 % of the way
 * up to the steepest point (the middle of a symmetric edge). The bright half is where over-exposure clips an edge and
 * squeezes what is left of it, so reading the dark half keeps the width unchanged by a gain on exposure even when the
 * highlights blow out. Returns −1 when clipped white reaches the steepest step (no honest reading).
 */
function riseWidth(luma: Float32Array, start: number, lowAt: number, highAt: number): number {
  // Walk from the dark end of the profile to the bright end, whichever way that is along the row.
  const darkAt = luma[start + lowAt]! <= luma[start + highAt]! ? lowAt : highAt;
  const brightAt = darkAt === lowAt ? highAt : lowAt;
  const dir = brightAt > darkAt ? 1 : -1;
  const length = Math.abs(brightAt - darkAt);
  const base = linear(luma[start + darkAt]!);
  let steepest = -1;
  let steepestSlope = -Infinity;
  for (let k = 0; k < length; k++) {
    const slope = linear(luma[start + darkAt + dir * (k + 1)]!) - linear(luma[start + darkAt + dir * k]!);
    if (slope > steepestSlope) { steepestSlope = slope; steepest = k; }
  }
  // The steepest step must be seen whole, with the profile still unclipped a pixel beyond it: where white clips just
  // above it, the true middle of the edge may lie in the clipped part and the reading would come out too narrow.
  const beyond = Math.min(length, steepest + 2);
  if (steepest < 0 || luma[start + darkAt + dir * beyond]! >= clipHighLuma) return -1;
  const middle = (linear(luma[start + darkAt + dir * steepest]!) + linear(luma[start + darkAt + dir * (steepest + 1)]!)) / 2 - base;
  const tenth = 0.2 * middle; // 10 % of the whole rise is 20 % of the way to the middle
  let at10 = 0;
  let prev = 0;
  for (let k = 0; k <= steepest; k++) {
    const next = linear(luma[start + darkAt + dir * (k + 1)]!) - base;
    if (prev <= tenth && next > tenth) { at10 = k + (tenth - prev) / (next - prev); break; }
    prev = next;
  }
  return Math.max(0, 2 * (steepest + 0.5 - at10));
}

/** Linear light of a (fractional) sRGB-encoded value, interpolated in the table. */
function linear(v: number): number {
  const x = v <= 0 ? 0 : v >= 255 ? 255 : v;
  const k = x | 0;
  return linearOf[k]! + (x - k) * (linearOf[k + 1]! - linearOf[k]!);
}

/** Weighted mean width of the narrowest `share` of the histogram's weight; 0 for an empty histogram. */
function crispMean(hist: Float64Array, share: number): number {
  let total = 0;
  for (let k = 0; k < hist.length; k++) total += hist[k]!;
  if (total <= 0) return 0;
  const want = share * total;
  let taken = 0;
  let sum = 0;
  for (let k = 0; k < hist.length && taken < want; k++) {
    const take = Math.min(hist[k]!, want - taken);
    taken += take;
    sum += take * (k / binsPerPx);
  }
  return Math.max(sum / taken, 0.5 / binsPerPx);
}
