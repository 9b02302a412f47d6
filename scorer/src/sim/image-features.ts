import type { FeatureName } from '../features/feature-names.ts';
import type { SeededRandom } from '@shotfarm/shared/random';

/**
 * The canonical features the simulator draws for each candidate image: the ones a shopper's click plausibly
 * depends on and the extractor measures on every image. The rest of the canonical list (file size, hashes,
 * fidelity…) is left out so the simulated truth stays readable.
 */
export const simFeatureNames = [
  'sharpness', 'noiseSigma', 'contrastRms', 'clippedHighlights', 'colourfulness', 'saturationMean',
  'borderWhiteRatio', 'fillRatio', 'centroidOffset', 'thirdsDistance', 'subjectCount', 'textAreaRatio',
] as const satisfies readonly FeatureName[];

export type SimFeatureName = (typeof simFeatureNames)[number];
export type SimFeatures = Record<SimFeatureName, number>;

/** Share of candidates shot on a white studio background; the rest are lifestyle scenes. */
const whiteBackgroundShare = 0.55;
/** Share of candidates with a text overlay (price, promo badge). */
const textOverlayShare = 0.3;
/** Half-diagonal of a unit square: the feature list normalises centroid distances by it. */
const halfDiagonal = Math.SQRT1_2;
const thirdsPoints = [[1 / 3, 1 / 3], [2 / 3, 1 / 3], [1 / 3, 2 / 3], [2 / 3, 2 / 3]] as const;

/**
 * One candidate image's features, with marginals shaped like the extractor's output on real e-commerce shots
 * (heavy-tailed Laplacian variance, near-1 border whiteness on studio shots and near-0 on scenes, mostly-zero text
 * area…). A latent "white studio vs scene" style correlates border, fill, framing and colour as they are in practice.
 */
export function sampleImageFeatures(rng: SeededRandom): SimFeatures {
  const white = rng.bernoulli(whiteBackgroundShare);
  const cx = clamp(0.5 + rng.normal(0, white ? 0.03 : 0.1), 0.05, 0.95);
  const cy = clamp(0.5 + rng.normal(0, white ? 0.03 : 0.1), 0.05, 0.95);
  const thirds = Math.min(...thirdsPoints.map(([tx, ty]) => Math.hypot(cx - tx, cy - ty)));
  const subjectRoll = rng.next();
  return {
    sharpness: rng.logNormal(220, 0.7),
    noiseSigma: rng.logNormal(white ? 1.5 : 2.5, 0.5),
    contrastRms: clamp(rng.normal(white ? 48 : 58, white ? 10 : 12), 5, 120),
    clippedHighlights: rng.beta(0.6, 40),
    colourfulness: Math.min(rng.logNormal(white ? 30 : 45, white ? 0.5 : 0.4), 150),
    saturationMean: white ? rng.beta(1.5, 6) : rng.beta(2, 5),
    borderWhiteRatio: white ? rng.beta(30, 1.5) : rng.beta(1, 12),
    fillRatio: 0.9 * (white ? rng.beta(5, 4) : rng.beta(3, 5)),
    centroidOffset: Math.hypot(cx - 0.5, cy - 0.5) / halfDiagonal,
    thirdsDistance: thirds / halfDiagonal,
    subjectCount: subjectRoll < 0.78 ? 1 : subjectRoll < 0.92 ? 2 : subjectRoll < 0.97 ? 3 : 4,
    textAreaRatio: rng.bernoulli(textOverlayShare) ? rng.beta(2, 14) : 0,
  };
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}
