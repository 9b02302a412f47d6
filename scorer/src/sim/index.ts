// `@shotfarm/scorer/simulation`: the click simulator the CTR model is trained and evaluated on.
export {
  ClickSimulator, defaultClickSimulatorOptions, type ClickLogRow, type ClickSimulatorOptions, type ReplayContext, type ReplayFeedback,
  type ReplayOptions, type ReplayPolicy, type ReplayResult, type SimImage, type SimImageTruth, type SimProduct,
} from './click-simulator.ts';
export { simFeatureNames, type SimFeatureName, type SimFeatures } from './image-features.ts';
export { trueEffects } from './true-attractiveness.ts';
export { SeededRandom } from '@shotfarm/shared/random';
