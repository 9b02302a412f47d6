import { histogramPercentile, type LumaHistogram } from './luma-histogram.ts';

/** Global contrast of the frame. */
export interface ContrastFeatures {
  /** p95 − p5 of luma: the spread of tones, robust to a few extreme pixels. */
  contrastP5P95: number;
  /** RMS contrast: the standard deviation of luma, 0–255 scale. */
  contrastRms: number;
}

/** Contrast of the whole frame from its luma histogram. */
export function contrastFeatures(frame: LumaHistogram, luma: Float32Array): ContrastFeatures {
  const n = luma.length;
  if (n === 0) return { contrastP5P95: 0, contrastRms: 0 };
  const mean = frame.sum / frame.count;
  let sq = 0;
  for (let i = 0; i < n; i++) {
    const d = luma[i]! - mean;
    sq += d * d;
  }
  return {
    contrastP5P95: histogramPercentile(frame, 0.95) - histogramPercentile(frame, 0.05),
    contrastRms: Math.sqrt(sq / n),
  };
}
