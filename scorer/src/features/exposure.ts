import { histogramPercentile, histogramShare, type LumaHistogram } from './luma-histogram.ts';

/** Luma at or above this is a clipped highlight: JPEG rounding and resampling rarely leave a blown area at 255. */
export const highlightClipLevel = 250;
/** Luma at or below this is a crushed shadow. */
export const shadowClipLevel = 5;

/** Brightness of the frame and clipping of the product. */
export interface ExposureFeatures {
  /** Mean luma of the frame, 0–255. */
  luminanceMean: number;
  luminanceP5: number;
  luminanceP95: number;
  /** Share of product pixels at or above {@link highlightClipLevel}. */
  clippedHighlights: number;
  /** Share of product pixels at or below {@link shadowClipLevel}. */
  clippedShadows: number;
  /** p99 − p1 of the product's luma. */
  dynamicRange: number;
}

/**
 * Exposure from luma histograms of the whole frame and of the product. Clipping is judged on the product only: a
 * white studio background is clipped on purpose, a blown-out product has lost detail.
 */
export function exposureFeatures(frame: LumaHistogram, product: LumaHistogram): ExposureFeatures {
  return {
    luminanceMean: frame.count > 0 ? frame.sum / frame.count : 0,
    luminanceP5: histogramPercentile(frame, 0.05),
    luminanceP95: histogramPercentile(frame, 0.95),
    clippedHighlights: histogramShare(product, highlightClipLevel, true),
    clippedShadows: histogramShare(product, shadowClipLevel, false),
    dynamicRange: histogramPercentile(product, 0.99) - histogramPercentile(product, 0.01),
  };
}
