import type { FeatureVector } from '../features/feature-names.ts';
import { zoomScale } from '../features/zoom-size.ts';
import { srgbToLinear } from '@shotfarm/shared/images';

/** The parts of the quality composite, each 0–1 (1 = no fault found). */
export const qualityPartNames = [
  'sharpness', 'noise', 'compression', 'exposure', 'contrast', 'colour', 'framing', 'completeness', 'integrity',
] as const;
export type QualityPartName = (typeof qualityPartNames)[number];

/** A quality score and the parts it is made of. */
export interface QualityScore {
  /** 0–1: the weighted geometric mean of the parts. */
  score: number;
  /** Each part, 0–1. */
  parts: Record<QualityPartName, number>;
}

/**
 * Weight of each part in the composite (they sum to 1). Sharpness and exposure are the faults a shopper sees first
 * and no edit undoes, so they weigh most; noise and compression next; framing and completeness are about the
 * product being shown whole and centred, but are read from a product mask that is only a guess on a busy scene;
 * contrast and colour are partly matters of taste and weigh least.
 */
export const qualityWeights: Readonly<Record<QualityPartName, number>> = {
  sharpness: 0.22,
  noise: 0.13,
  compression: 0.13,
  exposure: 0.24,
  contrast: 0.05,
  colour: 0.05,
  framing: 0.09,
  completeness: 0.09,
  // Measured and reported, not yet weighed: at 0.12 it cost the degradation eval its ranking of blurred, over-exposed
  // and cropped copies (issue 11 follow-up: weigh it without taking weight from the other parts).
  integrity: 0,
};

/** No part is taken below this, so one failed measure cannot zero the whole score (log 0). */
const partFloor = 0.02;

/**
 * The features the composite reads: a learned quality head must see at least what the composite judges by
 * (`retrain-quality.ts`). Kept beside the code that reads them; a test checks the two agree.
 */
export const compositeFeatureNames: readonly string[] = [
  'widthPx', 'heightPx', 'productEdgeSharpness', 'noiseSigma', 'jpegBlockiness', 'clippedHighlights', 'luminanceP5', 'luminanceMean', 'contrastRms',
  'colourCast', 'saturationMean', 'colourfulness', 'productFound', 'fillRatio', 'bboxFill', 'centroidOffset', 'productTouchesEdge', 'productRemnantShare',
];

/**
 * A transparent image-quality composite, used until designers' accept/reject labels can train a learned head.
 * Each part turns one or a few features into 0–1 with a documented curve; the score is the weighted geometric mean
 * of the parts, so a severe fault in one part pulls the whole score down (a blurred image is a bad image however
 * well it is exposed), and every part counts in proportion to its weight in log terms.
 *
 * The curves are chosen by hand from what the measures mean (edge width in pixels at zoom size, noise σ in grey
 * levels, the block-boundary step ratio, clipped share of the product), then checked and adjusted against the
 * degradation evaluation on the fixture photos (`eval/degradation-eval.ts`): that set of images shaped them. No
 * labels of good and bad images have trained them yet.
 */
export function qualityScore(v: FeatureVector): QualityScore {
  const parts: Record<QualityPartName, number> = {
    sharpness: sharpnessPart(v),
    noise: noisePart(v),
    compression: compressionPart(v),
    exposure: exposurePart(v),
    contrast: contrastPart(v),
    colour: colourPart(v),
    framing: framingPart(v),
    completeness: completenessPart(v),
    integrity: integrityPart(v),
  };
  let logSum = 0;
  for (const name of qualityPartNames) {
    const p = Number.isFinite(parts[name]) ? clamp01(parts[name]) : 0;
    parts[name] = p;
    logSum += qualityWeights[name] * Math.log(Math.max(partFloor, p));
  }
  return { score: clamp01(Math.exp(logSum)), parts };
}

// ————————————————————————————————————————————— the parts —————————————————————————————————————————————

/** Edge width (10–90 %, in pixels at the zoom size, see zoom-size.ts) at which the sharpness part is 0.5: visibly soft. */
const halfSharpEdgeWidthPx = 2.5;

/**
 * Sharpness from the width of the image's crisp edges (`productEdgeSharpness` = 1 / (1 + width at zoom size)):
 * width is what blur changes, and unlike the Laplacian's variance it does not grow with texture or contrast.
 * 1 / (1 + (width / 2.5)²): a 1-px edge 0.86, 2.5 px 0.5, a 2-px Gaussian blur (about 5 px) 0.2. It keeps falling
 * however crisp the edges already are, so any blur lowers it. An image without a single clear edge scores 0.
 */
function sharpnessPart(v: FeatureVector): number {
  if (!(v.productEdgeSharpness > 0)) return 0;
  const widthPx = 1 / v.productEdgeSharpness - 1;
  return 1 / (1 + (widthPx / halfSharpEdgeWidthPx) ** 2);
}

/** Noise σ (grey levels, at the zoom size) at which the noise part is 0.5: grain plainly visible on flat areas. */
const halfNoiseSigma = 4.5;

/**
 * Noise from the σ of the original's quietest areas, brought to the zoom size (shrinking by k averages noise down by
 * about k). Below about 2 grey levels noise is invisible (and the estimate mostly fine texture), so the curve is flat
 * there and falls steeply around {@link halfNoiseSigma}: 1 / (1 + (σ / 4.5)⁴): σ 2 → 0.96, 3 → 0.84, 7 → 0.15.
 */
function noisePart(v: FeatureVector): number {
  const sigma = v.noiseSigma * zoomScale(v.widthPx, v.heightPx);
  return 1 / (1 + (sigma / halfNoiseSigma) ** 4);
}

/** Blockiness excess (ratio − 1) at which the compression part is 0.5. */
const halfBlockExcess = 1;

/**
 * Compression from JPEG blockiness (the block-boundary step ratio, 1 for a clean image). A web JPEG at quality
 * 70–90 reads 1.0–1.5 and shows no blocking at normal size, so the curve is nearly flat there; blocking becomes
 * visible towards 2 and ugly beyond: 1 / (1 + excess⁴): 1.5 → 0.94, 2 → 0.5, 2.5 → 0.16, 3 → 0.06.
 */
function compressionPart(v: FeatureVector): number {
  const excess = Math.max(0, v.jpegBlockiness - 1);
  return 1 / (1 + (excess / halfBlockExcess) ** 4);
}

/** Share of the product clipped to white at which the clipping factor is 0.5. */
const halfClippedShare = 0.2;
/** Most the black-point factor takes off: a frame whose darkest 5 % is white. */
const blackPointPenalty = 0.7;
/** Most the brightness factor takes off: a frame that is white all over. */
const brightnessPenalty = 0.3;

/**
 * Exposure from three things an over-exposed picture shows, each judged without knowing the original. Blown
 * highlights on the product (the white background, clipped on purpose, does not count): 1 / (1 + share / 0.2).
 * A lifted black point: the 5th-percentile luma in linear light, which any gain on exposure raises; a photo with deep
 * shadows keeps 1, one whose darkest tones are light grey loses up to 0.7 × √(linear p5). And overall brightness:
 * 1 − 0.3 × mean linear luminance. The last two also mark down a white product on white, which honestly is hard to
 * tell from an over-exposed one; the white-background gates judge such images on their own terms.
 */
function exposurePart(v: FeatureVector): number {
  const clipping = 1 / (1 + v.clippedHighlights / halfClippedShare);
  const blackPoint = 1 - blackPointPenalty * Math.sqrt(linearLight(v.luminanceP5));
  const brightness = 1 - brightnessPenalty * linearLight(v.luminanceMean);
  return clipping * blackPoint * brightness;
}

/** RMS contrast (grey levels) below which a picture starts to look flat. */
const flatContrastRms = 20;

/** Contrast: a washed-out or foggy picture (RMS contrast of luma well under 20 levels) loses up to half. */
function contrastPart(v: FeatureVector): number {
  return 0.5 + 0.5 * Math.min(1, v.contrastRms / flatContrastRms);
}

/** Colour cast (a*b* distance of near-neutral pixels) at which the cast factor is 0.5. */
const halfColourCast = 20;

/**
 * Colour: a cast on what should be neutral (1 / (1 + (cast / 20)²)), and a mild reward for vivid colour
 * (Hasler–Süsstrunk colourfulness and saturation: up to 15 % lost by a dull, greyish picture).
 */
function colourPart(v: FeatureVector): number {
  const cast = 1 / (1 + (v.colourCast / halfColourCast) ** 2);
  const vivid = 0.85 + 0.15 * Math.min(1, v.saturationMean / 0.25 + v.colourfulness / 40);
  return cast * vivid;
}

/** Centroid offset (share of the half-diagonal) at which the centring factor is 0.5. */
const halfCentroidOffset = 0.35;
/**
 * Framing and completeness when no background could be separated: the product fills or overflows the frame (or it is
 * a busy scene), which is worse for a product shot than a product touching one edge.
 */
const wholeFrameFraming = 0.7;
const wholeFrameCompleteness = 0.5;

/**
 * Framing: the product centred (1 / (1 + (offset / 0.35)²): an offset of 0.1 loses 8 %) and of a sensible size
 * (spanning under a third of the frame it is too small to read: up to 40 % lost as the span falls to zero).
 */
function framingPart(v: FeatureVector): number {
  if (isWholeFrame(v)) return wholeFrameFraming;
  const centring = 1 / (1 + (v.centroidOffset / halfCentroidOffset) ** 2);
  const span = v.bboxFill;
  const size = span >= 1 / 3 ? 1 : 0.6 + 1.2 * span;
  return centring * size;
}

/**
 * Completeness: a product cut by the frame (its mask reaches the edge) loses a quarter, and up to a quarter more when
 * the cut product is also off-centre, where the cut is not a deliberate close-up.
 */
function completenessPart(v: FeatureVector): number {
  if (isWholeFrame(v)) return wholeFrameCompleteness;
  if (!v.productTouchesEdge) return 1;
  return 0.75 * (1 - 0.25 * Math.min(1, v.centroidOffset / 0.3));
}

/**
 * Share of the product's area in detached bits at which the integrity part is 0.5. One percent of the product's area
 * scattered around it is about a dozen visible specks: a fault no shopper misses (see features/cutout-integrity.ts).
 */
const halfRemnantShare = 0.01;

/**
 * Integrity of the cut-out: 1 / (1 + (remnant share / 0.01)²). A clean render has no detached bits (0 → 1); 0.5%
 * → 0.8, 1% → 0.5, 3% → 0.1. Outline roughness (`productOutlineRoughness`) is measured but not scored yet: on the
 * working copy it does not separate a staircase edge from a clean one reliably.
 */
function integrityPart(v: FeatureVector): number {
  return 1 / (1 + (v.productRemnantShare / halfRemnantShare) ** 2);
}

/** No background was separated: the "product" is the whole frame. */
function isWholeFrame(v: FeatureVector): boolean {
  return v.productFound === 0 && v.fillRatio > 0.5;
}

function linearLight(luma: number): number {
  return srgbToLinear(clamp01(luma / 255));
}

function clamp01(x: number): number {
  return x <= 0 ? 0 : x >= 1 ? 1 : x;
}
