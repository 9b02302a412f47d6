import { boxMean, connectedComponents, type ProductMask } from '@shotfarm/shared/images';

/** What a broken cut-out leaves in a rendered image, read from the image's own product mask. */
export interface CutoutIntegrity {
  /**
   * Share of the product's area in remnant regions: separate regions under {@link remnantRegionShare} of the
   * largest (shredded background bits pasted with the product). 0 for a clean cut-out; a pair of shoes is two main
   * regions, not a remnant.
   */
  remnantShare: number;
  /**
   * Mean distance (working-copy pixels) between the outline and a smoothed outline: the area where the mask and its
   * majority-smoothed copy differ, per outline pixel. A clean curved or straight edge reads about 0.1–0.3; a
   * staircase of upscaled mask blocks, or a frayed outline, reads 0.5 and more.
   */
  outlineRoughnessPx: number;
}

/** A region under this share of the largest one is a remnant (see {@link CutoutIntegrity.remnantShare}). */
export const remnantRegionShare = 0.3;
/** Radius of the majority filter the outline is compared with: features finer than this count as roughness. */
const smoothingRadiusPx = 2;

/**
 * Remnants and outline roughness of the product mask. Only meaningful where a background was separated (`alpha` or
 * `border-flood`); for `whole-frame` and `empty` masks both are 0 (nothing to judge).
 */
export function cutoutIntegrity(mask: ProductMask): CutoutIntegrity {
  if (mask.method !== 'alpha' && mask.method !== 'border-flood') return { remnantShare: 0, outlineRoughnessPx: 0 };
  const { data, widthPx: w, heightPx: h } = mask;
  const n = w * h;
  const { sizes } = connectedComponents(data, w, h);
  const largest = Math.max(0, ...sizes.slice(1));
  let area = 0;
  let remnant = 0;
  for (let id = 1; id < sizes.length; id++) {
    area += sizes[id]!;
    if (sizes[id]! < largest * remnantRegionShare) remnant += sizes[id]!;
  }

  const binary = new Float32Array(n);
  for (let i = 0; i < n; i++) binary[i] = data[i] ? 1 : 0;
  const smooth = boxMean(binary, w, h, smoothingRadiusPx);
  let differ = 0;
  let outline = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      const inside = data[i] ? 1 : 0;
      if (inside !== (smooth[i]! >= 0.5 ? 1 : 0)) differ++;
      if (inside && ((x + 1 < w && !data[i + 1]) || (x > 0 && !data[i - 1]) || (y + 1 < h && !data[i + w]) || (y > 0 && !data[i - w]))) outline++;
    }
  }
  // Specks the mask dropped are remnants too: a shredded background leaves many bits too small to be a region.
  remnant += mask.speckPx;
  area += mask.speckPx;
  return {
    remnantShare: area > 0 ? remnant / area : 0,
    outlineRoughnessPx: outline > 0 ? differ / outline : 0,
  };
}
