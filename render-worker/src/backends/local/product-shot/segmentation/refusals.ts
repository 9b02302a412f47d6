import { TaskError } from '@shotfarm/shared';
import type { BoxPx } from '@shotfarm/shared/images';
import type { ColourKey } from './colour-key.ts';
import { visibleFault, visibleFaultCap } from './confidence.ts';
import type { ConfidenceSignals, CutoutDiagnostics, MaskImage } from './types.ts';

/**
 * Above this fraction of the border band far from the background model, the colour key refuses: a product may
 * run off one edge (up to a quarter of the band) and a little more, but beyond that the "background" is a scene.
 */
export const maxBorderBusyFraction = 0.35;
/**
 * The colour key refuses when the border's background pixels sit on average farther than this fraction of the
 * tolerance from the model. If residuals were half-normal, a mean of a third of the tolerance puts about 2% of
 * background pixels beyond it; at a half, about 11% are, and the fill leaves holes and false islands all over.
 */
export const maxBorderTextureRatio = 1 / 3;
/**
 * Refuse when more than this fraction of the frame's outermost pixels is product: the product then runs off
 * the frame on several sides, or "product" is the scene itself, and no main image with a margin can be made.
 */
export const maxFrameContactFraction = 0.15;
/** A product smaller than this fraction of the frame is "nothing found". */
export const minProductFraction = 0.003;
/** A product larger than this fraction of the frame means the background was not separated. */
export const maxProductFraction = 0.9;

/**
 * The colour key alone is trusted only on a truly plain background, stricter than its own refusal rules: at most
 * {@link plainBorderBusyFraction} of the border off the model (a product touching one edge a little) and a border
 * texture under {@link plainBorderTextureRatio} of the tolerance (a backdrop, not a bed sheet or a wall).
 */
export function colourKeyBackgroundIsPlain(key: ColourKey, toleranceDeltaE: number): boolean {
  const d = key.diagnostics;
  return d.borderBusyFraction <= plainBorderBusyFraction && d.borderTextureDeltaE <= plainBorderTextureRatio * toleranceDeltaE;
}
/** See {@link colourKeyBackgroundIsPlain}: a tenth of the border band, one product edge's worth. */
export const plainBorderBusyFraction = 0.1;
/** See {@link colourKeyBackgroundIsPlain}: a sixth of the tolerance (3 ΔE at 18), about one just-noticeable difference. */
export const plainBorderTextureRatio = 1 / 6;

/** The colour key's own refusals: a border that is a scene, or a texture the flood would shred. */
export function refuseBusyBorder(key: ColourKey, toleranceDeltaE: number): void {
  const { borderBusyFraction, borderTextureDeltaE } = key.diagnostics;
  if (borderBusyFraction > maxBorderBusyFraction) {
    throw new TaskError('SF_RENDER_BACKGROUND_TOO_BUSY',
      `background too busy to separate the product: ${pct(borderBusyFraction)} of the border is farther than ` +
      `ΔE ${toleranceDeltaE} from the background (limit ${pct(maxBorderBusyFraction)})`);
  }
  const maxTextureDeltaE = maxBorderTextureRatio * toleranceDeltaE;
  if (borderTextureDeltaE > maxTextureDeltaE) {
    throw new TaskError('SF_RENDER_BACKGROUND_TOO_BUSY',
      `background too textured to separate the product: its border varies by ΔE ${borderTextureDeltaE.toFixed(1)} ` +
      `on average (limit ${maxTextureDeltaE.toFixed(1)}, a third of the tolerance ΔE ${toleranceDeltaE})`);
  }
}

export function refuseEmptyProduct(productFraction: number, box: BoxPx | null): asserts box is BoxPx {
  if (!box || productFraction < minProductFraction) {
    throw new TaskError('SF_RENDER_BACKGROUND_TOO_BUSY',
      `no product found: it covers ${pct(productFraction)} of the frame (need at least ${pct(minProductFraction)})`);
  }
}

/** Refuses a "product" that is nothing, the whole frame, or runs off the frame too far for any margin. */
export function refuseImplausibleProduct(diagnostics: CutoutDiagnostics, box: BoxPx | null, mask: MaskImage): asserts box is BoxPx {
  const { productFraction } = diagnostics;
  refuseEmptyProduct(productFraction, box);
  if (productFraction > maxProductFraction) {
    throw new TaskError('SF_RENDER_BACKGROUND_TOO_BUSY',
      `background not separated: the product covers ${pct(productFraction)} of the frame (limit ${pct(maxProductFraction)})`);
  }
  // A "product" that touches all four edges cannot be told from the background and would not fit any margin.
  if (box.width >= mask.widthPx && box.height >= mask.heightPx) {
    throw new TaskError('SF_RENDER_BACKGROUND_TOO_BUSY',
      'background not separated: what was taken for product touches all four edges of the frame');
  }
  if (diagnostics.frameContactFraction > maxFrameContactFraction) {
    throw new TaskError('SF_RENDER_BACKGROUND_TOO_BUSY',
      `background too busy to separate the product: ${pct(diagnostics.frameContactFraction)} of the frame's edge ` +
      `is covered by what was taken for product (limit ${pct(maxFrameContactFraction)})`);
  }
}

/**
 * A segmentation not sure enough of itself is refused rather than rendered: the designer gets a reason and what
 * to do (a photo on a plain background, a PNG with transparency, or a GPU recipe). Not retried: the same photo
 * gives the same matte.
 */
export function refuseUncertain(confidence: number, minConfidence: number, signals: ConfidenceSignals): void {
  // A visible fault refuses even a confident mean; a minimum of 0 (an evaluation's "what if accepted") turns it off.
  const fault = minConfidence > 0 ? visibleFault(signals) : null;
  if (fault) {
    throw new TaskError('SF_CUTOUT_UNCERTAIN',
      `cut-out not fit to publish: ${fault[0]} ${fault[1].toFixed(2)} < ${visibleFaultCap} ` +
      `(${signalWords[fault[0]]}); confidence ${confidence.toFixed(2)}. ${uncertainAdvice}`, { retryable: false });
  }
  if (confidence >= minConfidence) return;
  const weakest = (Object.entries(signals) as [keyof ConfidenceSignals, number][]).sort((a, b) => a[1] - b[1])[0]!;
  throw new TaskError('SF_CUTOUT_UNCERTAIN',
    `cut-out not reliable enough to publish: confidence ${confidence.toFixed(2)} < ${minConfidence.toFixed(2)}; ` +
    `weakest signal ${weakest[0]} ${weakest[1].toFixed(2)} (${signalWords[weakest[0]]}). ${uncertainAdvice}`, { retryable: false });
}

/** What the designer can do about an uncertain cut-out (the studio shows its own words for the code, in both languages). */
export const uncertainAdvice = 'Use a photo on a plain background, a PNG with transparency, or a GPU recipe that can segment this scene';

const signalWords: Record<keyof ConfidenceSignals, string> = {
  boundaryContrast: 'the outline does not follow a visible edge',
  agreement: 'the methods disagree about what the product is',
  compactness: 'the cut-out is not one whole, solid object: scattered pieces or strips of the scene came with it, or a large part inside it was taken for background',
  borderClearance: 'the product runs into the frame\'s edge',
};

export function pct(fraction: number): string {
  return `${(fraction * 100).toFixed(1)}%`;
}
