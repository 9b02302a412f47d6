// `@shotfarm/scorer/evaluation`: the scorer's offline checks (CTR ranking metrics, degradation sanity).
export { expectedCalibrationError, pairwiseAccuracy, withinProductAuc, type AucResult, type ScoredRow } from './ctr-metrics.ts';
export { ctrEvalSection, runCtrEval } from './ctr-eval.ts';
export type { EvalSection, EvalSectionResult } from './eval-section.ts';
export { degradationNames, degradations, type Degradation, type DegradationContext, type DegradationName } from './degradations.ts';
export {
  evaluateDegradations, degradationEvalSection, listImages, requiredDegradationAccuracy, type DegradationAccuracy,
} from './degradation-eval.ts';
