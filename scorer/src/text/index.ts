export { TextDetector, defaultDetectionModelPath, defaultMaxInputPixels, type TextDetection, type TextDetectorOptions } from './text-detector.ts';
export { textAreaRatio, textAreaGridCells } from './text-area.ts';
export { boxesFromProbabilityMap, defaultDbPostProcess, type DbPostProcessOptions, type FrameSize, type ProbabilityMap } from './db-postprocess.ts';
export { detInputSize, detLimitSidePx, toDetTensorData, type DetInputSize } from './det-preprocess.ts';
