/** SSIM's stabilising constants for 8-bit data, (0.01 · 255)² and (0.03 · 255)², as in Wang et al. (2004). */
const c1 = (0.01 * 255) ** 2;
const c2 = (0.03 * 255) ** 2;
/** The Gaussian window of the reference implementation: σ = 1.5 px, truncated at 5 px. */
const windowSigmaPx = 1.5;
const windowRadiusPx = 5;
const kernel = (() => {
  const k = new Float64Array(2 * windowRadiusPx + 1);
  let s = 0;
  for (let i = -windowRadiusPx; i <= windowRadiusPx; i++) s += k[i + windowRadiusPx] = Math.exp(-(i * i) / (2 * windowSigmaPx ** 2));
  for (let i = 0; i < k.length; i++) k[i]! /= s;
  return k;
})();

/**
 * Mean structural similarity (Wang, Bovik, Sheikh & Simoncelli 2004) of two equal-size luma images with the
 * standard 11-tap Gaussian window. With `weights`, the SSIM map is averaged with those weights (a product mask),
 * so only the product is compared. 1 for identical images; 0 or below for unrelated ones.
 */
export function ssim(a: Float32Array, b: Float32Array, widthPx: number, heightPx: number, weights?: Float32Array): number {
  const n = widthPx * heightPx;
  if (n === 0) return 1;
  const ab = new Float32Array(n);
  const aa = new Float32Array(n);
  const bb = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    ab[i] = a[i]! * b[i]!;
    aa[i] = a[i]! * a[i]!;
    bb[i] = b[i]! * b[i]!;
  }
  const [ma, mb, mab, maa, mbb] = [a, b, ab, aa, bb].map((m) => gaussianBlur(m, widthPx, heightPx)) as [
    Float32Array, Float32Array, Float32Array, Float32Array, Float32Array];
  let sum = 0;
  let weight = 0;
  for (let i = 0; i < n; i++) {
    const w = weights ? weights[i]! : 1;
    if (w <= 0) continue;
    const mua = ma[i]!;
    const mub = mb[i]!;
    const va = Math.max(0, maa[i]! - mua * mua);
    const vb = Math.max(0, mbb[i]! - mub * mub);
    const cov = mab[i]! - mua * mub;
    const s = ((2 * mua * mub + c1) * (2 * cov + c2)) / ((mua * mua + mub * mub + c1) * (va + vb + c2));
    sum += w * s;
    weight += w;
  }
  return weight > 0 ? sum / weight : 1;
}

/** Separable Gaussian blur with edge pixels repeated. */
function gaussianBlur(src: Float32Array, w: number, h: number): Float32Array {
  const tmp = new Float32Array(w * h);
  const out = new Float32Array(w * h);
  const r = windowRadiusPx;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let s = 0;
      for (let k = -r; k <= r; k++) {
        const xx = x + k < 0 ? 0 : x + k >= w ? w - 1 : x + k;
        s += src[y * w + xx]! * kernel[k + r]!;
      }
      tmp[y * w + x] = s;
    }
  }
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let s = 0;
      for (let k = -r; k <= r; k++) {
        const yy = y + k < 0 ? 0 : y + k >= h ? h - 1 : y + k;
        s += tmp[yy * w + x]! * kernel[k + r]!;
      }
      out[y * w + x] = s;
    }
  }
  return out;
}
