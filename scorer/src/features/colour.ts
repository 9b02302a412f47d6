import type { RgbImage } from './working-copy.ts';
import { srgbByteToLinear } from '@shotfarm/shared/images';

/** Colour of the frame. */
export interface ColourFeatures {
  /** Hasler & Süsstrunk's colourfulness M (2003): 0 for greyscale, about 15 "slightly", 60 "highly", 110 "extremely". */
  colourfulness: number;
  /** Mean HSV saturation, 0–1. */
  saturationMean: number;
  saturationP95: number;
  /** Normalised entropy (0–1) of the hue histogram of saturated pixels: 0 one hue (or none), 1 every hue alike. */
  hueEntropy: number;
  /** Mean (R − B) / 255: positive warm, negative cool. */
  warmth: number;
  /** Distance (CIELAB a*b* units) of the mean colour of near-neutral pixels from neutral grey: a colour cast. */
  colourCast: number;
}

/** Pixels at least this saturated (HSV) and this bright carry a hue worth counting. */
const hueMinSaturation = 0.2;
const hueMinValue = 40;
const hueBins = 36;
/** Pixels below this saturation are "near-neutral" for the cast; clipped whites and blacks are neutral by force. */
const neutralMaxSaturation = 0.15;
const neutralMinValue = 40;
const neutralMaxValue = 250;

/** 1 / v for each byte value (0 for 0): saturation without a division per pixel. */
const reciprocal = Float64Array.from({ length: 256 }, (_, v) => (v === 0 ? 0 : 1 / v));

/** sRGB byte → linear light. */
const linear = srgbByteToLinear;

/** Colour statistics of the working copy, in one pass. */
export function colourFeatures(img: RgbImage): ColourFeatures {
  const { data, widthPx: w, heightPx: h } = img;
  const n = w * h;
  if (n === 0) return { colourfulness: 0, saturationMean: 0, saturationP95: 0, hueEntropy: 0, warmth: 0, colourCast: 0 };
  let rgSum = 0;
  let rgSq = 0;
  let ybSum = 0;
  let ybSq = 0;
  let satSum = 0;
  let warmSum = 0;
  const satHist = new Uint32Array(256);
  const hueHist = new Uint32Array(hueBins);
  let hueCount = 0;
  let castA = 0;
  let castB = 0;
  let castCount = 0;
  for (let i = 0, j = 0; i < n; i++, j += 3) {
    const r = data[j]!;
    const g = data[j + 1]!;
    const b = data[j + 2]!;
    const rg = r - g;
    const yb = 0.5 * (r + g) - b;
    rgSum += rg;
    rgSq += rg * rg;
    ybSum += yb;
    ybSq += yb * yb;
    warmSum += r - b;
    const max = r > g ? (r > b ? r : b) : g > b ? g : b;
    const min = r < g ? (r < b ? r : b) : g < b ? g : b;
    const chroma = max - min;
    const sat = chroma * reciprocal[max]!;
    satSum += sat;
    satHist[(sat * 255 + 0.5) | 0]!++;
    if (sat >= hueMinSaturation && max >= hueMinValue) {
      hueHist[hueBin(r, g, b, max, chroma)]!++;
      hueCount++;
    } else if (sat < neutralMaxSaturation && max >= neutralMinValue && max < neutralMaxValue && (i & 3) === 0) {
      // Every fourth pixel is plenty for a mean, and the cube roots are the costly part of this pass.
      abOf(r, g, b, scratchAb);
      castA += scratchAb[0]!;
      castB += scratchAb[1]!;
      castCount++;
    }
  }
  const rgMean = rgSum / n;
  const ybMean = ybSum / n;
  const rgVar = Math.max(0, rgSq / n - rgMean * rgMean);
  const ybVar = Math.max(0, ybSq / n - ybMean * ybMean);
  return {
    colourfulness: Math.sqrt(rgVar + ybVar) + 0.3 * Math.sqrt(rgMean * rgMean + ybMean * ybMean),
    saturationMean: satSum / n,
    saturationP95: percentileOfBins(satHist, n, 0.95) / 255,
    hueEntropy: normalisedEntropy(hueHist, hueCount),
    warmth: warmSum / n / 255,
    colourCast: castCount > 0 ? Math.hypot(castA / castCount, castB / castCount) : 0,
  };
}

/** The hue's bin (hexcone hue, 360° in {@link hueBins} bins) of a pixel with non-zero chroma. */
function hueBin(r: number, g: number, b: number, max: number, chroma: number): number {
  let sector: number; // hue / 60°, in [0, 6)
  if (max === r) {
    sector = (g - b) / chroma;
    if (sector < 0) sector += 6;
  } else if (max === g) sector = (b - r) / chroma + 2;
  else sector = (r - g) / chroma + 4;
  const bin = ((sector * hueBins) / 6) | 0;
  return bin >= hueBins ? hueBins - 1 : bin;
}

const scratchAb = new Float64Array(2);

/** CIELAB a*, b* of an sRGB colour (D65), written to `out`. */
function abOf(r: number, g: number, b: number, out: Float64Array): void {
  const lr = linear[r]!;
  const lg = linear[g]!;
  const lb = linear[b]!;
  const x = (0.4124 * lr + 0.3576 * lg + 0.1805 * lb) / 0.95047;
  const y = 0.2126 * lr + 0.7152 * lg + 0.0722 * lb;
  const z = (0.0193 * lr + 0.1192 * lg + 0.9505 * lb) / 1.08883;
  const fx = labF(x);
  const fy = labF(y);
  const fz = labF(z);
  out[0] = 500 * (fx - fy);
  out[1] = 200 * (fy - fz);
}

function labF(t: number): number {
  return t > 216 / 24389 ? Math.cbrt(t) : (t * 24389) / 27 / 116 + 16 / 116;
}

function percentileOfBins(bins: Uint32Array, count: number, fraction: number): number {
  const target = Math.max(1, Math.ceil(fraction * count));
  let acc = 0;
  for (let v = 0; v < bins.length; v++) {
    acc += bins[v]!;
    if (acc >= target) return v;
  }
  return bins.length - 1;
}

function normalisedEntropy(bins: Uint32Array, count: number): number {
  if (count === 0) return 0;
  let e = 0;
  for (let k = 0; k < bins.length; k++) {
    const p = bins[k]! / count;
    if (p > 0) e -= p * Math.log(p);
  }
  return e / Math.log(bins.length);
}
