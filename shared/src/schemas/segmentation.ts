import { z } from 'zod';

/**
 * Which segmenter separates the product on the CPU:
 * - `classic` (the default): the colour key where the background is truly plain (or the file has transparency),
 *   else OpenCV's GrabCut seeded from the border-colour model and a saliency prior, with guided-filter edges;
 * - `colour-key`: the colour key alone, refusing any background that is not plain (the fastest; the old path).
 */
export const SegmenterKind = z.enum(['classic', 'colour-key']);
export type SegmenterKind = z.infer<typeof SegmenterKind>;

/** The default minimum confidence (0–1) below which a cut-out is refused with `SF_CUTOUT_UNCERTAIN`. */
export const defaultMinCutoutConfidence = 0.6;

/** How the product is separated from its photo: chosen by configuration, never by the caller's environment. */
export const SegmentationSettings = z.strictObject({
  segmenter: SegmenterKind.default('classic'),
  /** Below this confidence the cut-out is refused (`SF_CUTOUT_UNCERTAIN`) instead of rendered. */
  minConfidence: z.number().min(0).max(1).default(defaultMinCutoutConfidence),
});
export type SegmentationSettings = z.infer<typeof SegmentationSettings>;
