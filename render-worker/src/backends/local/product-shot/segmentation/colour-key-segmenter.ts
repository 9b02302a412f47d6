import { connectedComponents } from '@shotfarm/shared/images';
import { colourKey, type ColourKey } from './colour-key.ts';
import { boundaryDeltaE, combineConfidence, confidenceSignals, holeShare, invisibleOutlineShare, maskIoU, solidity } from './confidence.ts';
import { refineEdges } from './edge-refine.ts';
import { toLab } from './lab.ts';
import { maskStats } from './mask-stats.ts';
import { alphaMatte, hasMeaningfulAlpha } from './alpha-matte.ts';
import { refuseBusyBorder, refuseImplausibleProduct, refuseUncertain } from './refusals.ts';
import type { Segmentation, Segmenter, WorkingCopy } from './types.ts';

/** The tolerance the key's stability is checked at, as a share of the configured one. */
const stabilityToleranceShare = 0.7;

/**
 * The colour key alone: the fast path for truly plain backgrounds and transparent PNGs. Anything else is refused
 * (`SF_RENDER_BACKGROUND_TOO_BUSY`), as is a key not confident enough (`SF_CUTOUT_UNCERTAIN`).
 */
export class ColourKeySegmenter implements Segmenter {
  readonly kind = 'colour-key';
  constructor(private readonly opts: { toleranceDeltaE: number; minConfidence: number }) {}

  async segment(photo: WorkingCopy, source: Buffer): Promise<Segmentation> {
    if (hasMeaningfulAlpha(photo)) return alphaMatte(photo);
    const key = colourKey(photo, this.opts.toleranceDeltaE);
    refuseBusyBorder(key, this.opts.toleranceDeltaE);
    const segmentation = colourKeySegmentation(photo, key, this.opts.toleranceDeltaE);
    refuseUncertain(segmentation.confidence, this.opts.minConfidence, segmentation.signals);
    // The key is decided at working size; its outline is drawn again at output size along the photo's own edges.
    return { ...segmentation, matte: await refineEdges(source, segmentation.matte, { widthPx: photo.sourceWidthPx, heightPx: photo.sourceHeightPx }) };
  }
}

/**
 * A colour key's result as a segmentation, with its confidence: the agreement signal is the key's stability (the
 * same key at a lower tolerance), since on a plain background a second method would only repeat it.
 * @throws TaskError `SF_RENDER_BACKGROUND_TOO_BUSY` for an implausible product (none, the whole frame, cut off).
 */
export function colourKeySegmentation(photo: WorkingCopy, key: ColourKey, toleranceDeltaE: number): Segmentation {
  const stats = maskStats(key.mask);
  const diagnostics = { ...key.diagnostics, productFraction: stats.productFraction };
  refuseImplausibleProduct(diagnostics, stats.boxPx, key.mask);
  const { widthPx: w, heightPx: h } = photo;
  const hard = binary(key.mask.data);
  const stricter = colourKey(photo, toleranceDeltaE, stabilityToleranceShare);
  const lab = toLab(photo);
  const signals = confidenceSignals({
    boundaryDeltaE: boundaryDeltaE(hard, lab, w, h),
    invisibleOutlineShare: invisibleOutlineShare(hard, lab, w, h),
    // The key is the only method here: its stability stands in for agreement, extents have nothing to compare with.
    extentCoverage: 1,
    agreementIoU: maskIoU(hard, binary(stricter.mask.data)),
    keptShare: mainRegionShare(hard, w, h),
    solidity: solidity(hard, w, h),
    holeShare: holeShare(hard, w, h),
    frameContactFraction: key.diagnostics.frameContactFraction,
  });
  return {
    method: 'border-colour', matte: key.mask, confidence: combineConfidence(signals), signals,
    backgroundRgb: key.backgroundRgb, background: { surface: key.surface, toleranceDeltaE }, unmixEdges: true, diagnostics,
  };
}

/**
 * Share of the product's area in its main regions (the largest, and any at least {@link mainRegionMinShare} of it:
 * a pair of shoes is two). A key that broke the product into pieces (a white bowl on white) scores low.
 */
function mainRegionShare(mask: Uint8Array, w: number, h: number): number {
  const { sizes } = connectedComponents(mask, w, h);
  const largest = Math.max(0, ...sizes.slice(1));
  let total = 0;
  let main = 0;
  for (let id = 1; id < sizes.length; id++) {
    total += sizes[id]!;
    if (sizes[id]! >= largest * mainRegionMinShare) main += sizes[id]!;
  }
  return total > 0 ? main / total : 0;
}
/** See {@link mainRegionShare}. */
const mainRegionMinShare = 0.3;

function binary(mask: Uint8Array): Uint8Array {
  const out = new Uint8Array(mask.length);
  for (let i = 0; i < mask.length; i++) out[i] = mask[i]! >= 128 ? 1 : 0;
  return out;
}
