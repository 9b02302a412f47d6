import type { BoxPx } from '@shotfarm/shared/images';

export type { BoxPx };

/** A single-channel 8-bit image: 255 is product, 0 is background, values between are partly product. */
export interface MaskImage {
  data: Uint8Array;
  widthPx: number;
  heightPx: number;
}

/**
 * How the product was separated:
 * - `alpha`: the photo's own alpha channel (a cut-out PNG);
 * - `border-colour`: the colour key, a flood from the frame's edge over pixels near a fitted background surface
 *   (the fast path for truly plain backgrounds);
 * - `grabcut`: OpenCV's GrabCut, seeded from the border-colour model and a saliency prior, edges refined by a
 *   guided filter.
 */
export type CutoutMethod = 'alpha' | 'border-colour' | 'grabcut';

/** A photo decoded at analysis size (sRGB, 3 or 4 channels), and the size of the photo it was read from. */
export interface WorkingCopy {
  data: Buffer;
  widthPx: number;
  heightPx: number;
  channels: 3 | 4;
  sourceWidthPx: number;
  sourceHeightPx: number;
}

/** How clean the background was; logged with each render so refusals and odd cut-outs can be explained. */
export interface CutoutDiagnostics {
  /** Fraction of the border band farther than the tolerance from the background model (0 for `alpha`). */
  borderBusyFraction: number;
  /** Mean ΔE of the border's background pixels from the model: how textured the background is. */
  borderTextureDeltaE: number;
  /** Fraction of the frame's outermost pixels that belong to the product (it runs off the edge). */
  frameContactFraction: number;
  /** Fraction of the frame covered by the product. */
  productFraction: number;
}

/**
 * The measurable signals a segmentation's confidence is built from, each mapped to 0–1 (1 = no doubt).
 * See confidence.ts for the principle behind each ramp.
 */
export interface ConfidenceSignals {
  /**
   * Colour difference across the matte's boundary: a cut along a real edge has one, on average and (for the colour
   * key's cut) along nearly all of its outline.
   */
  boundaryContrast: number;
  /**
   * Agreement between two independent estimates of the product: the IoU of GrabCut and the prior it started from,
   * and on a plain background how much of the extent the colour key sees GrabCut's cut covers.
   */
  agreement: number;
  /** How much of the product is in its main regions rather than in scattered islands. */
  compactness: number;
  /** How little of the frame's edge the product touches (a product cut by the frame, or a scene taken for one). */
  borderClearance: number;
}

/** What a {@link Segmenter} returns: the matte, how sure it is, and what the renderer needs to composite it. */
export interface Segmentation {
  method: CutoutMethod;
  /** The alpha matte, at any resolution with the photo's aspect (it is resized when rendered). */
  matte: MaskImage;
  /** 0–1: the geometric mean of {@link ConfidenceSignals}. */
  confidence: number;
  signals: ConfidenceSignals;
  /** Median background colour (sRGB); edge pixels are unmixed from it when `unmixEdges`. */
  backgroundRgb: readonly [number, number, number];
  /** The fitted background surface for the colour key (edge pixels are re-judged against it); null otherwise. */
  background: { surface: BackgroundSurface; toleranceDeltaE: number } | null;
  /**
   * Whether edge pixels may be unmixed from one background colour: true only where the background is one
   * colour (the colour key); on a scene the colour behind an edge pixel varies and unmixing would tint it.
   */
  unmixEdges: boolean;
  diagnostics: CutoutDiagnostics;
}

/** Image → alpha matte + confidence. Implementations are chosen by configuration (see create-segmenter.ts). */
export interface Segmenter {
  readonly kind: string;
  /**
   * Separates the product, or throws a TaskError that says why it cannot (never returns a broken matte on purpose:
   * a confidence under the configured minimum is a refusal, `SF_CUTOUT_UNCERTAIN`).
   */
  segment(photo: WorkingCopy, source: Buffer): Promise<Segmentation>;
}

/** Per Lab channel, the six coefficients of c0 + c1·u + c2·v + c3·uv + c4·u² + c5·v², u and v in [−1, 1]. */
export type BackgroundSurface = readonly [readonly number[], readonly number[], readonly number[]];
