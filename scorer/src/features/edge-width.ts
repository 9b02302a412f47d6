import type { LumaBands } from './luma-bands.ts';

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
   * Which width to report: the contrast-weighted quantile of the widths of all edges found. A low quantile reads the
   * crispest edges, the part of the picture in focus, unmoved by a soft background. @defaultValue {@link defaultQuantile}
   */
  quantile?: number;
}

/** The width reported by default: the 20th percentile. */
export const defaultQuantile = 0.2;
/** Width histogram bins per pixel; widths beyond 30 px land in the last bin. */
const binsPerPx = 20;
const histogramBins = 30 * binsPerPx;
/** The most pixels an edge profile is followed on either side of its centre. */
const maxWalkPx = 12;
/** Steps below this many grey levels (plus the noise allowance) do not count as an edge at all. */
const baseMinContrast = 16;
/** A profile that turns back by more than this (plus the noise allowance) has ended. */
const baseTurnTolerance = 2;
/**
 * Edges reaching these luma levels are set aside: clipping cuts an edge's profile off, so an over-exposed edge
 * looks steeper than it was. They are used only when an image has too few other edges to measure (a plain dark
 * product on pure white has nothing else).
 */
const clipHighLuma = 250;
const clipLowLuma = 5;
/** Unclipped edges needed, in units of the smallest edge that counts, before clipped ones are left out. */
const minUnclippedEdges = 8;
/** sRGB-encoded value (0–255) → linear light (0–1), with one extra entry so interpolation can read v + 1. */
const linearOf = Float64Array.from({ length: 257 }, (_, v) => {
  const c = Math.min(255, v) / 255;
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
});

/**
 * Width in original pixels of the image's crisp edges: a no-reference blur measure in the spirit of Marziliano et
 * al. (2002), read along the rows of the sampled bands (vertical edges; blur is the same in every direction).
 *
 * For each local maximum of the horizontal gradient, the luma profile is followed to its extremes on both sides;
 * the edge's width is the distance between its 10 % and 90 % points, taken in linear light so that a pure change of
 * exposure (a gain on linear light) leaves unclipped edges as they were. The widths are pooled with the edge's
 * rise as weight and the {@link defaultQuantile} quantile is reported: the crisp edges of the part in focus.
 *
 * It depends only on how steep edges are relative to their own height, not on how much contrast or texture the
 * picture has: about 1–2 px for a crisp edge, plus about 2.6σ for a Gaussian blur of σ px. Measured at full
 * resolution, where a blur of a pixel or two shows however large the image is. Noise widens the tolerances, so it
 * neither shortens edges by turning them back early nor adds edges of its own. Edges centred on the JPEG 8 × 8 grid
 * are skipped, so the steps between the blocks of a heavily compressed image do not pass for crisp edges, and
 * edges that reach clipped white or black are left out while there are enough others (see {@link clipHighLuma}).
 * 0 when the image has no clear edge.
 */
export function edgeWidthPx(bands: LumaBands, opts: EdgeWidthOptions = {}): number {
  const sigma = opts.noiseSigma ?? 0;
  const w = bands.widthPx;
  if (w < 5 || bands.rows < 3) return 0;
  const minContrast = baseMinContrast + 10 * sigma;
  const params = { turn: baseTurnTolerance + 3 * sigma, minContrast, minStep: Math.max(4, minContrast / 5) };
  const region = opts.region ?? { left: 0, top: 0, right: w, bottom: Number.MAX_SAFE_INTEGER };
  const acc = { unclipped: new Float64Array(histogramBins), clipped: new Float64Array(histogramBins) };
  for (let b = 0; b < bands.bands.length; b++) {
    const y0 = bands.startRows[b]!;
    // The first and last row of a band lack the row above or below that tells an edge's direction.
    for (let r = 1; r < bands.rows - 1; r++) {
      if (y0 + r < region.top || y0 + r >= region.bottom) continue;
      scanRow(bands.bands[b]!, r * w, w, { from: region.left, to: region.right }, params, acc);
    }
  }
  const quantile = opts.quantile ?? defaultQuantile;
  if (totalOf(acc.unclipped) >= minUnclippedEdges * minContrast) return weightedQuantile(acc.unclipped, quantile);
  for (let k = 0; k < histogramBins; k++) acc.unclipped[k]! += acc.clipped[k]!;
  return weightedQuantile(acc.unclipped, quantile);
}

interface ScanParams {
  turn: number;
  minContrast: number;
  /** The smallest central difference that can be the steepest point of an edge with {@link ScanParams.minContrast}. */
  minStep: number;
}

/** Finds the edges of one row (pixels [start, start + w) of `luma`) centred in [span.from, span.to). */
function scanRow(
  luma: Float32Array, start: number, w: number, span: { from: number; to: number }, params: ScanParams,
  acc: { unclipped: Float64Array; clipped: Float64Array },
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
    const width = riseWidth(luma, start, lowAt, highAt, sign);
    const top = sign > 0 ? high : -low;
    const bottom = sign > 0 ? low : -high;
    const hist = top >= clipHighLuma || bottom <= clipLowLuma ? acc.clipped : acc.unclipped;
    hist[Math.min(histogramBins - 1, Math.round(width * binsPerPx))]! += rise;
  }
}

/**
 * Distance between the 10 % and 90 % points, in linear light, of the profile from `lowAt` to `highAt` (positions
 * along the row; `sign` is +1 when luma rises from low to high, −1 when it falls).
 */
function riseWidth(luma: Float32Array, start: number, lowAt: number, highAt: number, sign: number): number {
  const base = linear(luma[start + lowAt]!);
  const span = sign * (linear(luma[start + highAt]!) - base); // > 0: linear light keeps luma's order
  const lo = 0.1 * span;
  const hi = 0.9 * span;
  let p10 = lowAt;
  let prev = 0;
  for (let q = lowAt; q < highAt; q++) {
    const next = sign * (linear(luma[start + q + 1]!) - base);
    if (prev <= lo && next > lo) { p10 = q + (lo - prev) / (next - prev); break; }
    prev = next;
  }
  let p90 = highAt;
  let upper = sign * (linear(luma[start + highAt]!) - base);
  for (let q = highAt; q > lowAt; q--) {
    const lower = sign * (linear(luma[start + q - 1]!) - base);
    if (upper >= hi && lower < hi) { p90 = q - 1 + (hi - lower) / (upper - lower); break; }
    upper = lower;
  }
  return Math.max(0, p90 - p10);
}

/** Linear light of a (fractional) sRGB-encoded value, interpolated in the table. */
function linear(v: number): number {
  const x = v <= 0 ? 0 : v >= 255 ? 255 : v;
  const k = x | 0;
  return linearOf[k]! + (x - k) * (linearOf[k + 1]! - linearOf[k]!);
}

function totalOf(hist: Float64Array): number {
  let total = 0;
  for (let k = 0; k < hist.length; k++) total += hist[k]!;
  return total;
}

/** The width below which `quantile` of the histogram's weight lies; 0 for an empty histogram. */
function weightedQuantile(hist: Float64Array, quantile: number): number {
  const total = totalOf(hist);
  if (total <= 0) return 0;
  let acc = 0;
  for (let k = 0; k < hist.length; k++) {
    acc += hist[k]!;
    if (acc >= quantile * total) return Math.max(k, 0.5) / binsPerPx;
  }
  return (hist.length - 1) / binsPerPx;
}
