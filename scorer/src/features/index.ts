// The features folder's public surface. Internal helpers (luma bands, histograms, the mask's flood fill…) stay out.
export { extractFeatures, type ExtractFeaturesOptions, type ExtractedFeatures } from './extract-features.ts';
export { FeatureExtractionError, type FeatureExtractionErrorCode } from './feature-extraction-error.ts';
export { featureNames, type FeatureName, type FeatureVector } from './feature-names.ts';
export {
  productFidelity, minFidelitySsim, minFidelityPhashSimilarity, type ProductFidelity,
} from './fidelity.ts';
export { phash } from './phash.ts';
export { sharpness } from './sharpness.ts';
export { maxInputPixels, workingSizePx } from './working-copy.ts';
export { zoomSidePx } from './zoom-size.ts';
export type { BoxPx } from './composition.ts';
export type { ProductMaskMethod } from '@shotfarm/shared/images';
