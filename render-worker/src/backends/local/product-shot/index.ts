// The CPU product shot: cut-out, scene, shadow, harmony and marketplace fit, composed by one fluent pipeline.
export {
  ProductShotPipeline, renderProductShot,
  type ProductShotPlan, type ProductShotStage, type RenderedProductShot, type RenderProductShotOptions, type RunOptions,
} from './pipeline.ts';
export {
  analyseCutout, cutOut, renderCutoutLayer, renderMask, defaultToleranceDeltaE, workingMaxSidePx,
  maxBorderBusyFraction, maxBorderTextureRatio, maxFrameContactFraction,
  type BoxPx, type CutoutAnalysis, type CutoutDiagnostics, type CutoutLayerOptions, type CutoutMethod,
  type CutoutOptions, type CutoutResult, type MaskImage, type RenderMaskOptions, type BackgroundSurface,
} from './cutout.ts';
export { HexColor, SceneSpec, renderScene, hexToRgb, rgbToHex, mixHex } from './scene.ts';
export {
  ShadowOptions, renderShadow, shadowScale, defaultShadowBlurFraction, type ShadowLayer, type ShadowTarget,
} from './shadow.ts';
export { planHarmony, neutralGain, defaultHarmonyStrength, type HarmonyOptions } from './harmony.ts';
export {
  Composition, Placement, placeProduct, type ProductPlacement,
} from './fit.ts';
export {
  ProductShotStudioParams, planVariant, scenePalette, type VariantContext, type VariantPlan,
} from './variants.ts';
