// The scorer grows here (features, marketplace gates, quality and CTR models); the backbone ships its first feature.
export { sharpness, workingSizePx } from './features/sharpness.ts';
export { topKDiverse, phashDistance, type RankCandidate } from './ranking/top-k-diverse.ts';
export { TextDetector, textAreaRatio, defaultDetectionModelPath, detInputSize, toDetTensorData, type TextDetection, type TextDetectorOptions } from './text/index.ts';
export { evaluateAllGates, evaluateGate, gateProfileIds, gateProfiles, type GateInput, type GateProfile, type GateRuleCheck, type ImageFormat } from './gates/index.ts';
export { CtrModel } from './ctr/ctr-model.ts';
export { CtrOfflineMetrics, CtrTrainingInfo, LogisticCtrModel, modelVersionOf, type LogisticParams } from './ctr/logistic-ctr-model.ts';
export { exportCtrOnnx } from './ctr/onnx-export.ts';
export { importCtrOnnx, type CtrOnnxContents } from './ctr/onnx-import.ts';
export { predictLogistic } from './ctr/predict-logistic.ts';
export {
  ClickSimulator, defaultClickSimulatorOptions, type ClickLogRow, type ClickSimulatorOptions, type ReplayContext, type ReplayFeedback,
  type ReplayOptions, type ReplayPolicy, type ReplayResult, type SimImage, type SimImageTruth, type SimProduct,
} from './sim/click-simulator.ts';
export { simFeatureNames, type SimFeatureName, type SimFeatures } from './sim/image-features.ts';
export { SeededRandom } from './sim/seeded-random.ts';
export { type CtrDataset, type CtrRow, summariseDataset } from './training/ctr-dataset.ts';
export { splitByDay, type SplitByDayOptions, type TimeSplit } from './training/split-by-day.ts';
export { trainLogistic, imageLogit, type LogisticFit, type TrainLogisticOptions } from './training/train-logistic.ts';
export { readClickLogCsv, writeClickLogCsv } from './training/click-log-csv.ts';
export { loadOpenBanditDataset, type OpenBanditLog, type OpenBanditOptions } from './training/open-bandit-dataset.ts';
export { buildShippedCtrModel, shippedModelsDir } from './training/ship-ctr-model.ts';
export { expectedCalibrationError, pairwiseAccuracy, withinProductAuc, type AucResult, type ScoredRow } from './eval/ctr-metrics.ts';
export { ctrEvalSection, runCtrEval } from './eval/ctr-eval.ts';
export type { EvalSection, EvalSectionResult } from './eval/eval-section.ts';
export { readShippedModels, type ShippedModelFile } from './models/shipped-models.ts';
export { ActiveModel } from './models/active-model.ts';
export { ScoreWorker, type ScoreWorkerOptions } from './score-worker.ts';
export {
  extractFeatures, FeatureExtractionError, featureNames, productFidelity, minFidelitySsim, minFidelityPhashSimilarity,
  phash, hammingDistance, maxInputPixels, zoomSidePx,
  type ExtractFeaturesOptions, type ExtractedFeatures, type FeatureExtractionErrorCode, type FeatureName, type FeatureVector,
  type ProductFidelity, type BoxPx, type ProductMaskMethod,
} from './features/index.ts';
export { qualityPartNames, qualityScore, qualityWeights, type QualityPartName, type QualityScore } from './quality/index.ts';
export { degradationNames, degradations, type Degradation, type DegradationContext, type DegradationName } from './eval/degradations.ts';
export {
  evaluateDegradations, degradationEvalSection, listImages, requiredDegradationAccuracy, type DegradationAccuracy,
} from './eval/degradation-eval.ts';
