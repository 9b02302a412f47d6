import { readWorkingCopy } from './working-copy.ts';

// The backbone exported the working size from here; it now belongs to the working copy.
export { workingSizePx } from './working-copy.ts';

/**
 * Sharpness as the variance of the Laplacian of the greyscale working copy (Pech-Pacheco et al. 2000):
 * a blurred or defocused image has weak second derivatives everywhere, so a low variance.
 * Decodes the image on its own; {@link extractFeatures} computes it on its shared working copy instead.
 */
export async function sharpness(image: Buffer): Promise<number> {
  const wc = await readWorkingCopy(image);
  return laplacianVariance(wc.luma, wc.rgb.widthPx, wc.rgb.heightPx);
}

/**
 * Variance of the 4-neighbour Laplacian over the interior pixels, or over those where `region` is 1 (the
 * product). 0 for an image without interior pixels. Absolute: it grows with contrast and texture as well as
 * with focus, so it compares versions of one image, not different images.
 */
export function laplacianVariance(luma: Float32Array, widthPx: number, heightPx: number, region?: Uint8Array): number {
  const w = widthPx;
  let sum = 0;
  let sumSq = 0;
  let n = 0;
  for (let y = 1; y < heightPx - 1; y++) {
    for (let x = 1, i = y * w + 1; x < w - 1; x++, i++) {
      if (region && !region[i]) continue;
      const lap = luma[i - w]! + luma[i + w]! + luma[i - 1]! + luma[i + 1]! - 4 * luma[i]!;
      sum += lap;
      sumSq += lap * lap;
      n++;
    }
  }
  if (n === 0) return 0;
  const mean = sum / n;
  return Math.max(0, sumSq / n - mean * mean);
}
