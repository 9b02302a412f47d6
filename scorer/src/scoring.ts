// `@shotfarm/scorer/scoring`: what scores one image (features, marketplace gates, quality, CTR, text) and the
// active model that holds the CTR head, for benchmarks and tools that score outside a worker.
export {
  extractFeatures, FeatureExtractionError, featureNames, productFidelity, minFidelitySsim, minFidelityPhashSimilarity,
  phash, maxInputPixels, sharpness, workingSizePx, zoomSidePx,
  type ExtractFeaturesOptions, type ExtractedFeatures, type FeatureExtractionErrorCode, type FeatureName, type FeatureVector,
  type ProductFidelity, type BoxPx, type ProductMaskMethod,
} from './features/index.ts';
export { evaluateAllGates, evaluateGate, gateProfileIds, gateProfiles, type GateInput, type GateProfile, type GateRuleCheck, type ImageFormat } from './gates/index.ts';
export { qualityPartNames, qualityScore, qualityWeights, type QualityPartName, type QualityScore } from './quality/index.ts';
export { CtrModel } from './ctr/ctr-model.ts';
export { CtrOfflineMetrics, CtrTrainingInfo, LogisticCtrModel, modelVersionOf, type LogisticParams } from './ctr/logistic-ctr-model.ts';
export { predictLogistic } from './ctr/predict-logistic.ts';
export { TextDetector, textAreaRatio, defaultDetectionModelPath, detInputSize, toDetTensorData, type TextDetection, type TextDetectorOptions } from './text/index.ts';
export { ActiveModel } from './models/active-model.ts';
