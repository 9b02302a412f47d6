import type { RgbImage } from './working-copy.ts';

/** Width of the border band as a share of the shorter side (at least one pixel). */
export const borderBandShare = 0.01;
/** Every channel at or above this counts as white. */
const whiteLevel = 250;
/** A border whose colour varies with this RMS standard deviation (grey levels) or more has uniformity 0. */
const uniformityScale = 64;

/** The frame's border, measured on the original's own pixels, where "pure white" means exactly 255. */
export interface BorderFeatures {
  /** Share of border pixels with every channel at or above 250. */
  borderWhiteRatio: number;
  /** Share of border pixels exactly (255, 255, 255). */
  borderPureWhiteRatio: number;
  /** 1 − RMS channel standard deviation / 64, clamped to 0–1: 1 for a flat border. */
  borderUniformity: number;
}

/**
 * Statistics of a band along all four edges of the original (1 % of the shorter side wide). Resampling never makes
 * a near-white pixel pure white, nor the reverse, so the marketplaces' "pure white" can only be checked here.
 */
export function borderFeatures(original: RgbImage): BorderFeatures {
  const { data, widthPx: w, heightPx: h } = original;
  const bandPx = Math.max(1, Math.round(borderBandShare * Math.min(w, h)));
  const acc = { count: 0, white: 0, pure: 0, r: 0, g: 0, b: 0, rr: 0, gg: 0, bb: 0 };
  for (let y = 0; y < h; y++) {
    if (y < bandPx || y >= h - bandPx) {
      accumulate(data, y * w, y * w + w, acc);
    } else {
      accumulate(data, y * w, y * w + Math.min(bandPx, w), acc);
      accumulate(data, y * w + Math.max(bandPx, w - bandPx), y * w + w, acc);
    }
  }
  const { count, white, pure } = acc;
  const sum = [acc.r, acc.g, acc.b];
  const sq = [acc.rr, acc.gg, acc.bb];
  if (count === 0) return { borderWhiteRatio: 0, borderPureWhiteRatio: 0, borderUniformity: 1 };
  let variance = 0;
  for (let c = 0; c < 3; c++) {
    const mean = sum[c]! / count;
    variance += Math.max(0, sq[c]! / count - mean * mean);
  }
  const rmsStd = Math.sqrt(variance / 3);
  return {
    borderWhiteRatio: white / count,
    borderPureWhiteRatio: pure / count,
    borderUniformity: Math.max(0, 1 - rmsStd / uniformityScale),
  };
}

interface BorderAccumulator {
  count: number;
  white: number;
  pure: number;
  r: number;
  g: number;
  b: number;
  rr: number;
  gg: number;
  bb: number;
}

/** Adds pixels [from, to) (pixel indices) to the running sums. */
function accumulate(data: Uint8Array, from: number, to: number, acc: BorderAccumulator): void {
  let { count, white, pure, r: sr, g: sg, b: sb, rr, gg, bb } = acc;
  for (let i = from, j = from * 3; i < to; i++, j += 3) {
    const r = data[j]!;
    const g = data[j + 1]!;
    const b = data[j + 2]!;
    count++;
    if (r >= whiteLevel && g >= whiteLevel && b >= whiteLevel) {
      white++;
      if (r === 255 && g === 255 && b === 255) pure++;
    }
    sr += r; sg += g; sb += b;
    rr += r * r; gg += g * g; bb += b * b;
  }
  Object.assign(acc, { count, white, pure, r: sr, g: sg, b: sb, rr, gg, bb });
}
