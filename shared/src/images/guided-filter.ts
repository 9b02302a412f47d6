/**
 * The guided filter (He, Sun & Tang, "Guided Image Filtering", 2013) with a colour guide: an edge-preserving
 * smoother whose output is, in every window, a linear function of the guide's colour. Applied to a hard mask
 * with the photo as guide, it snaps the mask's edge to the photo's own edges and gives partly covered pixels
 * (a soft edge, a hair, a thin strap) fractional values. Cost is linear in the pixel count: every window sum is
 * read from a summed-area table.
 */

/** Box mean of `src` over a (2r+1)² window, clipped at the frame (divided by the pixels actually inside). */
export function boxMean(src: Float32Array, w: number, h: number, r: number): Float32Array {
  const sat = new Float64Array((w + 1) * (h + 1));
  for (let y = 0; y < h; y++) {
    let row = 0;
    for (let x = 0; x < w; x++) {
      row += src[y * w + x]!;
      sat[(y + 1) * (w + 1) + x + 1] = sat[y * (w + 1) + x + 1]! + row;
    }
  }
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    const y0 = Math.max(0, y - r);
    const y1 = Math.min(h, y + r + 1);
    for (let x = 0; x < w; x++) {
      const x0 = Math.max(0, x - r);
      const x1 = Math.min(w, x + r + 1);
      const sum = sat[y1 * (w + 1) + x1]! - sat[y0 * (w + 1) + x1]! - sat[y1 * (w + 1) + x0]! + sat[y0 * (w + 1) + x0]!;
      out[y * w + x] = sum / ((y1 - y0) * (x1 - x0));
    }
  }
  return out;
}

/** Options of {@link guidedFilter}. */
export interface GuidedFilterOptions {
  /** Window radius in pixels. */
  radius: number;
  /**
   * Regularisation ε on the guide's variance (guide in 0–1): a window whose colour varies by much less than √ε is
   * treated as flat and smoothed; one with a stronger edge keeps it.
   */
  epsilon: number;
}

/**
 * Filters `src` (one channel, any range) guided by an RGB image (`guide`, three interleaved channels in 0–1).
 * @example
 * const soft = guidedFilter(rgb01, hardMask01, w, h, { radius: 4, epsilon: 1e-3 });
 */
export function guidedFilter(
  guide: Float32Array, src: Float32Array, w: number, h: number, opts: GuidedFilterOptions,
): Float32Array {
  const n = w * h;
  const r = Math.max(1, Math.round(opts.radius));
  const eps = opts.epsilon;
  const ch = (c: number): Float32Array => {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = guide[i * 3 + c]!;
    return out;
  };
  const product = (a: Float32Array, b: Float32Array): Float32Array => {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = a[i]! * b[i]!;
    return out;
  };
  const [gr, gg, gb] = [ch(0), ch(1), ch(2)];
  const mR = boxMean(gr, w, h, r);
  const mG = boxMean(gg, w, h, r);
  const mB = boxMean(gb, w, h, r);
  const mP = boxMean(src, w, h, r);
  const mRP = boxMean(product(gr, src), w, h, r);
  const mGP = boxMean(product(gg, src), w, h, r);
  const mBP = boxMean(product(gb, src), w, h, r);
  const vRR = boxMean(product(gr, gr), w, h, r);
  const vRG = boxMean(product(gr, gg), w, h, r);
  const vRB = boxMean(product(gr, gb), w, h, r);
  const vGG = boxMean(product(gg, gg), w, h, r);
  const vGB = boxMean(product(gg, gb), w, h, r);
  const vBB = boxMean(product(gb, gb), w, h, r);

  const aR = new Float32Array(n);
  const aG = new Float32Array(n);
  const aB = new Float32Array(n);
  const b = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const mr = mR[i]!;
    const mg = mG[i]!;
    const mb = mB[i]!;
    const mp = mP[i]!;
    // Covariance of guide and source, and the guide's covariance matrix Σ + εU, per window.
    const cr = mRP[i]! - mr * mp;
    const cg = mGP[i]! - mg * mp;
    const cb = mBP[i]! - mb * mp;
    const srr = vRR[i]! - mr * mr + eps;
    const srg = vRG[i]! - mr * mg;
    const srb = vRB[i]! - mr * mb;
    const sgg = vGG[i]! - mg * mg + eps;
    const sgb = vGB[i]! - mg * mb;
    const sbb = vBB[i]! - mb * mb + eps;
    // (Σ + εU)⁻¹ by cofactors: symmetric 3×3.
    const i00 = sgg * sbb - sgb * sgb;
    const i01 = srb * sgb - srg * sbb;
    const i02 = srg * sgb - srb * sgg;
    const i11 = srr * sbb - srb * srb;
    const i12 = srb * srg - srr * sgb;
    const i22 = srr * sgg - srg * srg;
    const det = srr * i00 + srg * i01 + srb * i02;
    const inv = det !== 0 ? 1 / det : 0;
    const ar = (cr * i00 + cg * i01 + cb * i02) * inv;
    const ag = (cr * i01 + cg * i11 + cb * i12) * inv;
    const ab = (cr * i02 + cg * i12 + cb * i22) * inv;
    aR[i] = ar;
    aG[i] = ag;
    aB[i] = ab;
    b[i] = mp - ar * mr - ag * mg - ab * mb;
  }
  const maR = boxMean(aR, w, h, r);
  const maG = boxMean(aG, w, h, r);
  const maB = boxMean(aB, w, h, r);
  const mb = boxMean(b, w, h, r);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = maR[i]! * gr[i]! + maG[i]! * gg[i]! + maB[i]! * gb[i]! + mb[i]!;
  return out;
}
