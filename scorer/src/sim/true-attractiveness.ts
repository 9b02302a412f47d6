import type { SimFeatureName, SimFeatures } from './image-features.ts';

/**
 * How much each feature moves the simulated shopper, per population standard deviation of the feature (log for
 * sharpness, whose effect saturates). The signs follow what main-image tests usually report: sharp, colourful,
 * well-filled, centred shots win; noise, blown highlights, clutter of subjects and text overlays lose; lifestyle
 * scenes beat plain white in a feed. The sizes are our choice: only their relative weight matters, because the
 * simulator rescales the sum to the requested share of the logit variance.
 */
export const trueEffects: Readonly<Record<SimFeatureName, number>> = {
  sharpness: 0.35,
  noiseSigma: -0.25,
  contrastRms: 0.2,
  clippedHighlights: -0.2,
  colourfulness: 0.3,
  saturationMean: 0.15,
  borderWhiteRatio: -0.2,
  fillRatio: 0.35,
  centroidOffset: -0.25,
  thirdsDistance: -0.05,
  subjectCount: -0.1,
  textAreaRatio: -0.2,
};

/** Fill ratio above which the product looks cramped (cut-off edges, no breathing room): clicks drop again. */
const overfillStart = 0.7;
/** Logit penalty per 0.1 of fill ratio beyond `overfillStart`, squared: the non-linear part of the truth. */
const overfillPenalty = 0.25;

/** Mean and standard deviation of each feature over a population, to put effects on a per-sd scale. */
export type FeatureMoments = Readonly<Record<SimFeatureName, { mean: number; sd: number }>>;

export function featureMoments(population: readonly SimFeatures[]): FeatureMoments {
  const names = Object.keys(trueEffects) as SimFeatureName[];
  const out = {} as Record<SimFeatureName, { mean: number; sd: number }>;
  for (const name of names) {
    const xs = population.map((f) => transform(name, f[name]));
    const mean = xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
    const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, xs.length);
    out[name] = { mean, sd: Math.sqrt(variance) || 1 };
  }
  return out;
}

/**
 * The unscaled learnable part of an image's logit. Mostly linear in the raw features, with two honest deviations a
 * linear model on raw features cannot fully learn: sharpness acts through its log, and over-filling is penalised
 * quadratically. So even at R² = 0.7 a logistic model recovers somewhat less than the whole learnable share.
 * `effects` replaces the hand-written ones: a market whose shoppers do not behave as the simulator assumed.
 */
export function attractiveness(features: SimFeatures, moments: FeatureMoments, effects: Readonly<Record<SimFeatureName, number>> = trueEffects): number {
  let g = 0;
  for (const [name, effect] of Object.entries(effects) as [SimFeatureName, number][]) {
    const m = moments[name];
    g += effect * (transform(name, features[name]) - m.mean) / m.sd;
  }
  const over = Math.max(0, features.fillRatio - overfillStart) / 0.1;
  return g - overfillPenalty * over * over;
}

function transform(name: SimFeatureName, x: number): number {
  return name === 'sharpness' ? Math.log(x) : x;
}
