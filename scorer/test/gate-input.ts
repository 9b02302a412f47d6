import { featureNames, type FeatureName, type FeatureVector } from '../src/features/feature-names.ts';
import type { GateInput } from '../src/gates/gate.ts';

// Test helpers for the gate tests (under test/, never shipped): rule logic is tested on feature vectors built
// by hand, so each test states exactly the measurement it is about.

/**
 * A clean 800×800 white-background JPEG packshot of 120 KB: passes taobao-main, taobao-white and pdd-main
 * (amazon-main needs 1000 px and a fuller frame). Every feature name is present; those no rule reads are 0.
 */
export function whiteShot(overrides: { features?: Partial<FeatureVector> } & Partial<Omit<GateInput, 'features'>> = {}): GateInput {
  const features = Object.fromEntries(featureNames.map((n) => [n, 0])) as Record<FeatureName, number>;
  Object.assign(features, {
    widthPx: 800, heightPx: 800, aspectRatio: 1, megapixels: 0.64, bytes: 120_000,
    borderWhiteRatio: 1, borderPureWhiteRatio: 1, borderUniformity: 1, backgroundLuminance: 255,
    productFound: 1, subjectCount: 1, fillRatio: 0.42, bboxFill: 0.7, bboxAreaRatio: 0.49,
    bboxWidthPx: 520, bboxHeightPx: 560, centroidOffset: 0.03, centroidX: 0.5, centroidY: 0.52,
    textAreaRatio: 0, textBoxCount: 0, fidelitySsim: 1, fidelityPhashSimilarity: 1,
  } satisfies Partial<FeatureVector>, overrides.features);
  return {
    format: overrides.format ?? 'jpeg',
    bytes: overrides.bytes ?? features.bytes,
    features,
    text: overrides.text ?? { boxes: [], textAreaRatio: 0 },
  };
}

/** The same packshot as Amazon wants it: 1000×1000, the product spanning 90% of the frame. */
export function amazonShot(overrides: Parameters<typeof whiteShot>[0] = {}): GateInput {
  return whiteShot({ ...overrides, features: { widthPx: 1000, heightPx: 1000, bboxFill: 0.9, bboxWidthPx: 760, bboxHeightPx: 900, ...overrides.features } });
}

/** One rule's result from a result list, failing loudly when the rule is missing. */
export function ruleOf<T extends { id: string }>(rules: readonly T[], id: string): T {
  const r = rules.find((x) => x.id === id);
  if (!r) throw new Error(`no rule ${id} in [${rules.map((x) => x.id).join(', ')}]`);
  return r;
}
