import type { BackgroundSurface, WorkingCopy } from './types.ts';
import { labOf } from './lab.ts';

export type { BackgroundSurface };

/** At most this many border samples are used to fit the background model (it has 6 terms per channel). */
const maxModelSamples = 3000;

/** Indices of the pixels within `bandPx` of the edge. */
export function borderBand(w: number, h: number, bandPx: number): Int32Array {
  const indices: number[] = [];
  for (let y = 0; y < h; y++) {
    const rowEdge = y < bandPx || y >= h - bandPx;
    for (let x = 0; x < w; x++) {
      if (rowEdge || x < bandPx || x >= w - bandPx) indices.push(y * w + x);
    }
  }
  return Int32Array.from(indices);
}

type BackgroundModel = BackgroundSurface;

/**
 * Models the background as a quadratic surface in L, a and b over the frame, fitted to the border band with
 * trimming: studio light falls off smoothly (a sweep, a vignette), and a quadratic in x and y follows that
 * falloff, while the trimming drops border pixels that belong to the product or to clutter.
 */
export function fitBackgroundModel(
  lab: Float32Array, w: number, h: number, band: Int32Array, toleranceDeltaE: number,
): BackgroundModel {
  const stride = Math.max(1, Math.floor(band.length / maxModelSamples));
  const samples: number[] = [];
  for (let k = 0; k < band.length; k += stride) samples.push(band[k]!);
  const coords = (i: number): [number, number] => [unit(i % w, w), unit(Math.floor(i / w), h)];

  // Start from the per-channel median, robust to up to half the border being product or clutter.
  const medians = [0, 1, 2].map((ch) => median(samples.map((i) => lab[i * 3 + ch]!)));
  let model: BackgroundModel = [
    [medians[0]!, 0, 0, 0, 0, 0], [medians[1]!, 0, 0, 0, 0, 0], [medians[2]!, 0, 0, 0, 0, 0],
  ];
  for (let iteration = 0; iteration < 3; iteration++) {
    const current = model;
    const inliers = samples.filter((i) => {
      const [u, v] = coords(i);
      return deltaE(lab, i, current, u, v) <= toleranceDeltaE;
    });
    // Too few inliers to trust six terms: keep the current model and let the busy check decide.
    if (inliers.length < Math.max(24, samples.length * 0.2)) break;
    const next = fitQuadratic(inliers, lab, coords);
    if (!next) break;
    model = next;
  }
  return model;
}

export function unit(x: number, size: number): number {
  return size > 1 ? (2 * x) / (size - 1) - 1 : 0;
}

function modelAt(c: readonly number[], u: number, v: number): number {
  return c[0]! + c[1]! * u + c[2]! * v + c[3]! * u * v + c[4]! * u * u + c[5]! * v * v;
}

function deltaE(lab: Float32Array, i: number, model: BackgroundModel, u: number, v: number): number {
  const dL = lab[i * 3]! - modelAt(model[0], u, v);
  const da = lab[i * 3 + 1]! - modelAt(model[1], u, v);
  const db = lab[i * 3 + 2]! - modelAt(model[2], u, v);
  return Math.sqrt(dL * dL + da * da + db * db);
}

/** ΔE of one sRGB colour from the background surface at (u, v). */
export function deltaERgb(r: number, g: number, b: number, surface: BackgroundSurface, u: number, v: number): number {
  labOf(r, g, b, scratchLab, 0);
  return deltaE(scratchLab, 0, surface, u, v);
}

const scratchLab = new Float32Array(3);

/** ΔE of every pixel from the background model at its place. */
export function distanceMap(lab: Float32Array, w: number, h: number, model: BackgroundModel): Float32Array {
  const out = new Float32Array(w * h);
  const [cl, ca, cb] = model;
  for (let y = 0, i = 0; y < h; y++) {
    const v = unit(y, h);
    // Per row the model is a quadratic in u alone: p0 + p1·u + p2·u².
    const rowL = [cl[0]! + cl[2]! * v + cl[5]! * v * v, cl[1]! + cl[3]! * v, cl[4]!] as const;
    const rowA = [ca[0]! + ca[2]! * v + ca[5]! * v * v, ca[1]! + ca[3]! * v, ca[4]!] as const;
    const rowB = [cb[0]! + cb[2]! * v + cb[5]! * v * v, cb[1]! + cb[3]! * v, cb[4]!] as const;
    for (let x = 0; x < w; x++, i++) {
      const u = unit(x, w);
      const dL = lab[i * 3]! - (rowL[0] + (rowL[1] + rowL[2] * u) * u);
      const da = lab[i * 3 + 1]! - (rowA[0] + (rowA[1] + rowA[2] * u) * u);
      const db = lab[i * 3 + 2]! - (rowB[0] + (rowB[1] + rowB[2] * u) * u);
      out[i] = Math.sqrt(dL * dL + da * da + db * db);
    }
  }
  return out;
}

export function medianBackgroundRgb(
  img: WorkingCopy, band: Int32Array, distance: Float32Array, toleranceDeltaE: number,
): [number, number, number] {
  const stride = Math.max(1, Math.floor(band.length / maxModelSamples));
  const all: number[] = [];
  for (let k = 0; k < band.length; k += stride) all.push(band[k]!);
  const near = all.filter((i) => distance[i]! <= toleranceDeltaE);
  const pick = near.length > 0 ? near : all;
  const m = [0, 1, 2].map((ch) => median(pick.map((i) => img.data[i * img.channels + ch]!)));
  return [m[0]!, m[1]!, m[2]!];
}

/** Least squares for c0 + c1·u + c2·v + c3·uv + c4·u² + c5·v², per Lab channel, with a light ridge. */
function fitQuadratic(
  indices: number[], lab: Float32Array, coords: (i: number) => [number, number],
): BackgroundModel | null {
  const terms = 6;
  const ata = Array.from({ length: terms }, () => new Float64Array(terms));
  const atb = Array.from({ length: 3 }, () => new Float64Array(terms));
  const row = new Float64Array(terms);
  for (const i of indices) {
    const [uu, vv] = coords(i);
    row[0] = 1; row[1] = uu; row[2] = vv; row[3] = uu * vv; row[4] = uu * uu; row[5] = vv * vv;
    for (let r = 0; r < terms; r++) {
      for (let c = 0; c < terms; c++) ata[r]![c]! += row[r]! * row[c]!;
      for (let ch = 0; ch < 3; ch++) atb[ch]![r]! += row[r]! * lab[i * 3 + ch]!;
    }
  }
  // The ridge keeps the surface flat where the border gives no evidence (say, a whole side is product).
  const ridge = indices.length * 1e-3;
  for (let r = 1; r < terms; r++) ata[r]![r]! += ridge;
  const solve = (ch: number): number[] | null => solveLinear(ata.map((r) => Array.from(r)), Array.from(atb[ch]!));
  const [l, a, b] = [solve(0), solve(1), solve(2)];
  return l && a && b ? [l, a, b] : null;
}

/** Gaussian elimination with partial pivoting; null when singular. */
function solveLinear(a: number[][], b: number[]): number[] | null {
  const n = b.length;
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(a[r]![col]!) > Math.abs(a[pivot]![col]!)) pivot = r;
    if (Math.abs(a[pivot]![col]!) < 1e-12) return null;
    [a[col], a[pivot]] = [a[pivot]!, a[col]!];
    [b[col], b[pivot]] = [b[pivot]!, b[col]!];
    for (let r = col + 1; r < n; r++) {
      const f = a[r]![col]! / a[col]![col]!;
      for (let c = col; c < n; c++) a[r]![c]! -= f * a[col]![c]!;
      b[r]! -= f * b[col]!;
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = b[r]!;
    for (let c = r + 1; c < n; c++) s -= a[r]![c]! * x[c]!;
    x[r] = s / a[r]![r]!;
  }
  return x;
}


function median(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = Float64Array.from(values).sort();
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
