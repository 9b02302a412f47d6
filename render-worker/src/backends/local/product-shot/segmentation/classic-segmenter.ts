import { TaskError } from '@shotfarm/shared';
import { borderBand } from './background-surface.ts';
import { colourKey, type ColourKey } from './colour-key.ts';
import { colourKeySegmentation } from './colour-key-segmenter.ts';
import { boundaryDeltaE, combineConfidence, confidenceSignals, extentCoverage, holeShare, maskIoU, solidity } from './confidence.ts';
import { refineEdges } from './edge-refine.ts';
import { grabCut, grabCutMaxSidePx, seed } from './grabcut.ts';
import { fillForeignHoles, fillSmallHoles, keepProductIslands } from './islands.ts';
import { toLab } from './lab.ts';
import { frameContact, insetRingContact, maskStats } from './mask-stats.ts';
import { alphaMatte, hasMeaningfulAlpha } from './alpha-matte.ts';
import { colourKeyBackgroundIsPlain, refuseImplausibleProduct, refuseUncertain, uncertainAdvice } from './refusals.ts';
import { otsuThreshold, saliencyPrior } from './saliency.ts';
import type { MaskImage, Segmentation, Segmenter, WorkingCopy } from './types.ts';

/** The band along the frame seeded as background where it matches the border model, as a share of the longest side. */
const seedBandFraction = 0.03;
/** GrabCut regions smaller than this share of the largest are scattered bits, not product. */
const minRegionShare = 0.05;
/**
 * The colour key is kept only when it has no doubt at all: any weak signal (a product in pieces, an outline off the
 * photo's edges, an unstable key) sends the photo to GrabCut, which is slower but does not need a plain background.
 */
const fastPathMinConfidence = 0.95;
/** Holes up to this share of the product's area are filled (pinholes on a shiny surface), larger ones are kept. */
const maxFilledHoleShare = 0.01;

/**
 * The embedded default: the colour key where the background is truly plain (fast and exact there), else GrabCut.
 * GrabCut is seeded from the colour key's background surface (border pixels that match it are certain background)
 * and a saliency prior (what stands out from the border's colour, nearer the centre, is probable product); its
 * outline is then refined by a guided filter on a narrow band, so edges are smooth and thin parts survive.
 * A matte whose confidence is under the minimum is refused with `SF_CUTOUT_UNCERTAIN`.
 */
export class ClassicSegmenter implements Segmenter {
  readonly kind = 'classic';
  constructor(private readonly opts: { toleranceDeltaE: number; minConfidence: number }) {}

  async segment(photo: WorkingCopy, source: Buffer): Promise<Segmentation> {
    if (hasMeaningfulAlpha(photo)) return alphaMatte(photo);
    const { toleranceDeltaE, minConfidence } = this.opts;
    const key = colourKey(photo, toleranceDeltaE);
    if (colourKeyBackgroundIsPlain(key, toleranceDeltaE)) {
      const fast = tryColourKey(photo, key, toleranceDeltaE);
      if (fast && fast.confidence >= Math.max(minConfidence, fastPathMinConfidence)) {
        return { ...fast, matte: await refineEdges(source, fast.matte, { widthPx: photo.sourceWidthPx, heightPx: photo.sourceHeightPx }) };
      }
    }
    const segmentation = await grabCutSegmentation(photo, source, key, toleranceDeltaE, colourKeyBackgroundIsPlain(key, toleranceDeltaE));
    refuseUncertain(segmentation.confidence, minConfidence, segmentation.signals);
    return segmentation;
  }
}

function tryColourKey(photo: WorkingCopy, key: ColourKey, toleranceDeltaE: number): Segmentation | null {
  try {
    return colourKeySegmentation(photo, key, toleranceDeltaE);
  } catch (error) {
    if (error instanceof TaskError) return null; // an implausible key: GrabCut gets its chance
    throw error;
  }
}

async function grabCutSegmentation(
  photo: WorkingCopy, source: Buffer, key: ColourKey, toleranceDeltaE: number, keyBackgroundPlain: boolean,
): Promise<Segmentation> {
  const { widthPx: w, heightPx: h } = photo;
  const n = w * h;
  const saliency = saliencyPrior(key.distance, w, h, toleranceDeltaE);
  const threshold = otsuThreshold(saliency);
  const salient = new Uint8Array(n);
  for (let i = 0; i < n; i++) salient[i] = saliency[i]! >= threshold ? 1 : 0;
  const prior = keepProductIslands(salient, w, h, minRegionShare);

  const seeds = new Uint8Array(n).fill(seed.probableBackground);
  let foregroundSeeds = 0;
  for (let i = 0; i < n; i++) {
    if (prior[i]) { seeds[i] = seed.probableForeground; foregroundSeeds++; }
  }
  if (foregroundSeeds === 0) {
    // No salient region at all: the middle third is the only guess left, and confidence will say how good it was.
    for (let y = Math.floor(h / 3); y < Math.ceil((2 * h) / 3); y++) {
      for (let x = Math.floor(w / 3); x < Math.ceil((2 * w) / 3); x++) seeds[y * w + x] = seed.probableForeground;
    }
  }
  // The band along the frame is certain background (a product shot shows the product inside the frame), except
  // where the salient region reaches it and the pixel does not match the border's model: there the product may
  // run off the edge, and GrabCut decides.
  const bandPx = Math.max(2, Math.round(seedBandFraction * Math.max(w, h)));
  const band = borderBand(w, h, bandPx);
  for (const i of band) if (!prior[i] || key.distance[i]! <= toleranceDeltaE) seeds[i] = seed.background;

  const raw = await grabCut(photo, seeds);
  const lab = toLab(photo);
  const kept = fillForeignHoles(
    fillSmallHoles(keepProductIslands(raw, w, h, minRegionShare), w, h, maxFilledHoleShare), lab, w, h, toleranceDeltaE);
  let rawCount = 0;
  let keptOfRaw = 0;
  for (let i = 0; i < n; i++) {
    if (raw[i]) { rawCount++; if (kept[i]) keptOfRaw++; }
  }
  const coarse: MaskImage = { data: new Uint8Array(n), widthPx: w, heightPx: h };
  for (let i = 0; i < n; i++) coarse.data[i] = kept[i] ? 255 : 0;

  const stats = maskStats(coarse);
  const diagnostics = {
    borderBusyFraction: key.diagnostics.borderBusyFraction, borderTextureDeltaE: key.diagnostics.borderTextureDeltaE,
    frameContactFraction: frameContact(coarse), productFraction: stats.productFraction,
  };
  try {
    refuseImplausibleProduct(diagnostics, stats.boxPx, coarse);
  } catch (error) {
    // GrabCut was the last resort: its implausible result is the segmentation's doubt, with the same advice.
    if (!(error instanceof TaskError)) throw error;
    throw new TaskError('SF_CUTOUT_UNCERTAIN', `${error.message}. ${uncertainAdvice}`, { retryable: false, cause: error });
  }
  const signals = confidenceSignals({
    boundaryDeltaE: boundaryDeltaE(kept, lab, w, h),
    // Not judged here: GrabCut's cut is already drawn to edges, and where a product's colour is close to its
    // backdrop (a lamp's shade), a third of a right outline can be under two JNDs; a cut that lost a product part of
    // the backdrop's colour is caught by its extent against the key instead.
    invisibleOutlineShare: 0,
    agreementIoU: maskIoU(kept, prior),
    // On a plain background the colour key is a second, independent opinion on where the product is (what is not
    // backdrop), even where it was not trusted to cut: GrabCut's extent is checked against it. On any other
    // background the key's "product" is the scene, and only the saliency prior is compared.
    extentCoverage: keyBackgroundPlain ? extentCoverage(kept, keepProductIslands(binaryMask(key.mask.data), w, h), w, h) : 1,
    keptShare: rawCount > 0 ? keptOfRaw / rawCount : 0,
    solidity: solidity(kept, w, h),
    holeShare: holeShare(kept, w, h),
    // Contact is measured just inside the seeded band: touching it means the cut was stopped by the seed.
    frameContactFraction: Math.max(diagnostics.frameContactFraction, insetRingContact(coarse, bandPx)),
  });
  const matte = await refineEdges(source, coarse, { widthPx: photo.sourceWidthPx, heightPx: photo.sourceHeightPx }, grabCutMaxSidePx);
  return {
    method: 'grabcut', matte, confidence: combineConfidence(signals), signals,
    backgroundRgb: key.backgroundRgb, background: null, unmixEdges: false, diagnostics,
  };
}

/** The key's soft mask as 0/1 (product where at least half opaque). */
function binaryMask(mask: Uint8Array): Uint8Array {
  const out = new Uint8Array(mask.length);
  for (let i = 0; i < mask.length; i++) out[i] = mask[i]! >= 128 ? 1 : 0;
  return out;
}
