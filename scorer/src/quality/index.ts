export { qualityPartNames, qualityScore, qualityWeights, type QualityPartName, type QualityScore } from './quality-score.ts';
