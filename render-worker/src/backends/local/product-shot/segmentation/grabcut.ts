import { loadOpenCv } from './opencv.ts';
import type { WorkingCopy } from './types.ts';

/** GrabCut's seed labels, as OpenCV numbers them. */
export const seed = { background: 0, foreground: 1, probableBackground: 2, probableForeground: 3 } as const;

/** Iterations of GrabCut's estimate–cut loop; it settles within about four on product photos. */
const iterations = 4;
/** Any fixed value: it makes the cut a function of the photo alone. */
const grabCutRngSeed = 0x5eed;
/**
 * GrabCut's cost grows with pixels × iterations (a max-flow per iteration): it runs at most this size, and the
 * guided filter recovers the edge detail afterwards at refinement size.
 */
export const grabCutMaxSidePx = 320;

/**
 * Runs OpenCV's GrabCut on the working copy from a seed mask (one label of {@link seed} per pixel) and returns
 * 1 where the result is (probably) foreground. The colour models are Gaussian mixtures learnt from the seeds,
 * and the cut follows colour edges (a graph cut), so the outline snaps to the product's edges where the seeds
 * were only a rough guess.
 */
export async function grabCut(img: WorkingCopy, seeds: Uint8Array): Promise<Uint8Array> {
  const cv = await loadOpenCv();
  const { widthPx: w, heightPx: h, channels, data } = img;
  const rgb = new Uint8Array(w * h * 3);
  for (let i = 0, j = 0; i < w * h; i++, j += channels) {
    rgb[i * 3] = data[j]!;
    rgb[i * 3 + 1] = data[j + 1]!;
    rgb[i * 3 + 2] = data[j + 2]!;
  }
  const shrink = Math.min(1, grabCutMaxSidePx / Math.max(w, h));
  const sw = Math.max(1, Math.round(w * shrink));
  const sh = Math.max(1, Math.round(h * shrink));
  const fullImage = cv.matFromArray(h, w, cv.CV_8UC3, rgb);
  const fullSeeds = cv.matFromArray(h, w, cv.CV_8UC1, seeds);
  const image = new cv.Mat();
  const mask = new cv.Mat();
  const bgdModel = new cv.Mat();
  const fgdModel = new cv.Mat();
  const back = new cv.Mat();
  try {
    cv.resize(fullImage, image, new cv.Size(sw, sh), 0, 0, cv.INTER_AREA);
    cv.resize(fullSeeds, mask, new cv.Size(sw, sh), 0, 0, cv.INTER_NEAREST);
    // GrabCut initialises its colour models with k-means from OpenCV's process-wide RNG: without a fixed seed the
    // same photo would be cut differently depending on what ran before it in this process.
    cv.setRNGSeed(grabCutRngSeed);
    cv.grabCut(image, mask, new cv.Rect(0, 0, sw, sh), bgdModel, fgdModel, iterations, cv.GC_INIT_WITH_MASK);
    const labels = mask.data;
    const smallFg = new Uint8Array(sw * sh);
    for (let i = 0; i < smallFg.length; i++) smallFg[i] = labels[i] === seed.foreground || labels[i] === seed.probableForeground ? 255 : 0;
    const small = cv.matFromArray(sh, sw, cv.CV_8UC1, smallFg);
    try {
      cv.resize(small, back, new cv.Size(w, h), 0, 0, cv.INTER_LINEAR);
    } finally {
      small.delete();
    }
    const out = new Uint8Array(w * h);
    const up = back.data;
    for (let i = 0; i < out.length; i++) out[i] = up[i]! >= 128 ? 1 : 0;
    return out;
  } finally {
    for (const m of [fullImage, fullSeeds, image, mask, bgdModel, fgdModel, back]) m.delete();
  }
}
