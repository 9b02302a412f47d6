import { boxMean } from '@shotfarm/shared/images';

/**
 * A saliency prior on the working copy, 0–1 per pixel: how far a pixel's (locally averaged) colour stands from
 * the background model fitted on the border, weighted by a broad centre prior. Two observations behind it: the
 * border of a product photo is mostly background, so what differs from the border's colour is likely product; and
 * photographers centre the product, so of two equally distinct regions the central one is likelier product.
 * The distance is averaged over a small window first so texture noise does not read as salient.
 */
export function saliencyPrior(distance: Float32Array, w: number, h: number, toleranceDeltaE: number): Float32Array {
  const n = w * h;
  const smooth = boxMean(distance, w, h, Math.max(1, Math.round(Math.max(w, h) / 128)));
  const out = new Float32Array(n);
  // σ of the centre prior: a third of each side, so a product in the middle third loses at most ~10%.
  const sx = w / 3;
  const sy = h / 3;
  for (let y = 0, i = 0; y < h; y++) {
    const dy = (y + 0.5 - h / 2) / sy;
    for (let x = 0; x < w; x++, i++) {
      const dx = (x + 0.5 - w / 2) / sx;
      const centre = 0.4 + 0.6 * Math.exp(-0.5 * (dx * dx + dy * dy));
      // ΔE at the tolerance → 0.5, three tolerances → ~0.9: a saturating map of "how unlike the border".
      const d = smooth[i]! / toleranceDeltaE;
      out[i] = centre * (d / (d + 1));
    }
  }
  return out;
}

/** Otsu's threshold of values in 0–1 (64 bins): the split that best separates two classes. */
export function otsuThreshold(values: Float32Array): number {
  const bins = 64;
  const hist = new Float64Array(bins);
  for (let i = 0; i < values.length; i++) hist[Math.min(bins - 1, Math.max(0, Math.floor(values[i]! * bins)))]!++;
  const total = values.length;
  let sumAll = 0;
  for (let b = 0; b < bins; b++) sumAll += b * hist[b]!;
  let w0 = 0;
  let sum0 = 0;
  let best = 0;
  let bestT = 0.5;
  for (let b = 0; b < bins - 1; b++) {
    w0 += hist[b]!;
    sum0 += b * hist[b]!;
    const w1 = total - w0;
    if (w0 === 0 || w1 === 0) continue;
    const m0 = sum0 / w0;
    const m1 = (sumAll - sum0) / w1;
    const between = w0 * w1 * (m0 - m1) ** 2;
    if (between > best) { best = between; bestT = (b + 1) / bins; }
  }
  return bestT;
}
