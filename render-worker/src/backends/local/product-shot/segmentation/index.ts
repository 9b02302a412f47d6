// Separating the product from its photo: one Segmenter interface (image → alpha matte + confidence), implementations
// chosen by configuration (create-segmenter.ts), one job per file.
export { createSegmenter } from './create-segmenter.ts';
export { ClassicSegmenter } from './classic-segmenter.ts';
export { ColourKeySegmenter } from './colour-key-segmenter.ts';
export { readWorkingCopy, workingMaxSidePx, unreadable } from './working-copy.ts';
export { deltaERgb, type BackgroundSurface } from './background-surface.ts';
export { maskStats, toSourceBox } from './mask-stats.ts';
export { maxBorderBusyFraction, maxBorderTextureRatio, maxFrameContactFraction, minProductFraction, maxProductFraction } from './refusals.ts';
export { loadOpenCv } from './opencv.ts';
export type {
  BoxPx, ConfidenceSignals, CutoutDiagnostics, CutoutMethod, MaskImage, Segmentation, Segmenter, WorkingCopy,
} from './types.ts';
