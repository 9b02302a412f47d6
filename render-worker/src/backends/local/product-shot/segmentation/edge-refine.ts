import sharp from 'sharp';
import { boxMean, guidedFilter } from '@shotfarm/shared/images';
import type { MaskImage } from './types.ts';
import { unreadable } from './working-copy.ts';

/** The refined matte's longest side: about one matte pixel per output pixel of a 1000-px main image. */
export const refineMaxSidePx = 1024;
/**
 * Guided-filter regularisation on the guide's colour variance (0–1 scale): a window whose colour varies by less
 * than about √ε ≈ 0.03 (8 grey levels) counts as flat and is smoothed; a real edge, well above that, is kept.
 */
const guidedEpsilon = 1e-3;
/** Filter output mapped linearly from this range to 0–1 (see the tail note in {@link refineEdges}). */
const alphaStretch = [0.45, 0.95] as const;

/**
 * Edge refinement of a hard mask on a narrow band around its outline: the mask is upsampled to refinement size,
 * and a colour-guided filter with the photo as guide runs there; inside the band the matte takes the filter's
 * value (edges follow the photo's own edges, partly covered pixels get partial alpha, a thin strap a coarse mask
 * missed can come back), outside it stays 0 or 255. The band is as wide as the coarse mask's uncertainty: one
 * pixel of the resolution the mask was decided at is `scale` refined pixels.
 */
export async function refineEdges(
  input: Buffer, mask: MaskImage, source: { widthPx: number; heightPx: number },
  /** The longest side the mask was really decided at, when coarser than its pixels (GrabCut runs smaller). */
  decidedMaxSidePx = Math.max(mask.widthPx, mask.heightPx),
): Promise<MaskImage> {
  const shrink = Math.min(1, refineMaxSidePx / Math.max(source.widthPx, source.heightPx));
  const w = Math.max(1, Math.round(source.widthPx * shrink));
  const h = Math.max(1, Math.round(source.heightPx * shrink));
  const n = w * h;
  const [guideBytes, upBytes] = await Promise.all([
    sharp(input, { autoOrient: true, failOn: 'error' }).resize(w, h, { fit: 'fill' }).removeAlpha().toColourspace('srgb').raw().toBuffer(),
    sharp(mask.data, { raw: { width: mask.widthPx, height: mask.heightPx, channels: 1 } })
      .resize(w, h, { fit: 'fill', kernel: 'linear' }).toColourspace('b-w').raw().toBuffer(),
  ]).catch((cause: unknown) => { throw unreadable(cause); });
  const guide = new Float32Array(n * 3);
  for (let i = 0; i < n * 3; i++) guide[i] = guideBytes[i]! / 255;
  const hard = new Float32Array(n);
  for (let i = 0; i < n; i++) hard[i] = upBytes[i]! >= 128 ? 1 : 0;

  const scale = Math.max(w, h) / Math.min(decidedMaxSidePx, Math.max(mask.widthPx, mask.heightPx));
  const radius = Math.max(2, Math.round(1.5 * scale));
  const bandRadius = Math.max(2, Math.round(2 * scale));
  const near = boxMean(hard, w, h, bandRadius);
  const filtered = guidedFilter(guide, hard, w, h, { radius, epsilon: guidedEpsilon });
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const m = near[i]!;
    if (m <= 0 || m >= 1) {
      out[i] = hard[i] ? 255 : 0;
    } else {
      // The filter puts a sharp step at the photo's edge but leaves a tail of about half on the background the coarse
      // mask spilled onto (a flat window has no edge to follow and takes the mask's mean): the stretch cuts the
      // tail and keeps the step.
      const a = (filtered[i]! - alphaStretch[0]) / (alphaStretch[1] - alphaStretch[0]);
      out[i] = a <= 0 ? 0 : a >= 1 ? 255 : Math.round(a * 255);
    }
  }
  return { data: out, widthPx: w, heightPx: h };
}
