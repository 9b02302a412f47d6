import { colourFeatures } from './colour.ts';
import { borderFeatures } from './border.ts';
import { jpegBlockiness } from './blockiness.ts';
import { composition, type BoxPx } from './composition.ts';
import { contrastFeatures } from './contrast.ts';
import { edgeShares } from './edges.ts';
import { edgeWidthPx } from './edge-width.ts';
import { exposureFeatures } from './exposure.ts';
import { featureNames, type FeatureVector } from './feature-names.ts';
import { compareProducts, maskedImage } from './fidelity.ts';
import { lumaBands, lumaBandsOf } from './luma-bands.ts';
import { splitLumaHistograms } from './luma-histogram.ts';
import { noiseLevels, noiseSigma } from './noise.ts';
import { phash } from './phash.ts';
import { productMask, type ProductMaskMethod } from '@shotfarm/shared/images';
import { cutoutIntegrity } from './cutout-integrity.ts';
import { laplacianVariance } from './sharpness.ts';
import { readWorkingCopy } from './working-copy.ts';
import { zoomScale } from './zoom-size.ts';

/** Options of {@link extractFeatures}. */
export interface ExtractFeaturesOptions {
  /** The source product photo a generated image was made from: product fidelity is measured against it. */
  source?: Buffer;
  /** Share of the frame covered by text boxes, from the text detector. @defaultValue 0 */
  textAreaRatio?: number;
  /** Number of text boxes, from the text detector. @defaultValue 0 */
  textBoxCount?: number;
}

/** Everything {@link extractFeatures} measures. */
export interface ExtractedFeatures {
  /** Every canonical feature, each a finite number. */
  vector: FeatureVector;
  /** Perceptual hash (16 hex digits) of the image, for near-duplicate checks. */
  phash: string;
  /** The product mask on the working copy (1 = product) and the product's box in original pixels. */
  mask: { widthPx: number; heightPx: number; bboxPx: BoxPx; method: ProductMaskMethod; data: Uint8Array };
}



/**
 * Measures every canonical feature of one image. The image is decoded once; noise, JPEG blocking and the border are
 * read on the original's own pixels, everything else on the working copy (longest side 512 px); sizes are reported
 * in original pixels. With `source`, the source is decoded too and product fidelity measured against it; without,
 * the fidelity features are 1 (nothing to be unfaithful to).
 * @throws FeatureExtractionError `SF_SCORE_IMAGE_UNREADABLE` or `SF_SCORE_IMAGE_TOO_LARGE` (for `source` as well).
 */
export async function extractFeatures(image: Buffer, opts: ExtractFeaturesOptions = {}): Promise<ExtractedFeatures> {
  const sourcePromise = opts.source ? readWorkingCopy(opts.source) : null;
  const wc = await readWorkingCopy(image);
  const { widthPx: w, heightPx: h } = wc.rgb;
  const { widthPx: widthOriginalPx, heightPx: heightOriginalPx } = wc.original;

  const bands = lumaBands(wc.original);
  const originalNoise = noiseLevels(bands);
  const workingNoise = noiseSigma(lumaBandsOf(wc.luma, w, h));
  const mask = productMask(wc.rgb, { alpha: wc.alpha, noiseSigma: workingNoise });
  const comp = composition(mask, wc.original);
  const integrity = cutoutIntegrity(mask);
  const hasBackground = mask.method === 'alpha' || mask.method === 'border-flood';

  const edges = edgeShares(wc.luma, w, h, hasBackground ? mask.data : undefined);
  const sharpness = laplacianVariance(wc.luma, w, h);
  // Over the whole frame: the crispest edges are the part in focus, and a product box that moves with the mask
  // (a background blowing out, a crop) would change which edges are read.
  const widthPx = edgeWidthPx(bands, { noiseSigma: originalNoise.unclippedSigma });

  const { frame, product, background } = splitLumaHistograms(wc.luma, mask.data);
  const productMean = product.count > 0 ? product.sum / product.count : 0;
  const backgroundMean = background.count > 0 ? background.sum / background.count : borderLuma(wc.luma, w, h);

  let fidelity = { ssim: 1, phashSimilarity: 1 };
  if (sourcePromise) {
    const source = await sourcePromise;
    fidelity = compareProducts(maskedImage(source), maskedImage(wc, mask));
  }

  const pixels = widthOriginalPx * heightOriginalPx;
  const vector: FeatureVector = {
    widthPx: widthOriginalPx,
    heightPx: heightOriginalPx,
    aspectRatio: widthOriginalPx / heightOriginalPx,
    megapixels: pixels / 1e6,
    bytes: wc.bytes,
    bitsPerPixel: (wc.bytes * 8) / pixels,
    sharpness,
    sharpnessProduct: hasBackground ? laplacianVariance(wc.luma, w, h, mask.data) : sharpness,
    edgeDensity: edges.frame,
    noiseSigma: originalNoise.sigma,
    jpegBlockiness: jpegBlockiness(bands),
    ...exposureFeatures(frame, product),
    ...contrastFeatures(frame, wc.luma),
    ...colourFeatures(wc.rgb),
    ...borderFeatures(wc.original),
    backgroundLuminance: backgroundMean,
    backgroundClutter: edges.background,
    ...comp.features,
    productEdgeSharpness: widthPx > 0 ? 1 / (1 + widthPx * zoomScale(widthOriginalPx, heightOriginalPx)) : 0,
    productContrast: product.count > 0 && background.count > 0 ? Math.abs(productMean - backgroundMean) : 0,
    productRemnantShare: integrity.remnantShare,
    productOutlineRoughness: integrity.outlineRoughnessPx,
    textAreaRatio: finiteOr(opts.textAreaRatio, 0),
    textBoxCount: finiteOr(opts.textBoxCount, 0),
    fidelitySsim: fidelity.ssim,
    fidelityPhashSimilarity: fidelity.phashSimilarity,
  };
  for (const name of featureNames) {
    // Every division above is guarded; this is the last line of defence for the "always finite" promise.
    if (!Number.isFinite(vector[name])) vector[name] = 0;
  }
  return {
    vector,
    phash: phash(wc.luma, w, h),
    mask: { widthPx: w, heightPx: h, bboxPx: comp.bboxPx, method: mask.method, data: mask.data },
  };
}

/** Mean luma of the outermost rows and columns: the background's best guess when no background was separated. */
function borderLuma(luma: Float32Array, w: number, h: number): number {
  let s = 0;
  let n = 0;
  for (let x = 0; x < w; x++) { s += luma[x]! + luma[(h - 1) * w + x]!; n += 2; }
  for (let y = 1; y < h - 1; y++) { s += luma[y * w]! + luma[y * w + w - 1]!; n += 2; }
  return n > 0 ? s / n : 0;
}

function finiteOr(v: number | undefined, fallback: number): number {
  return v !== undefined && Number.isFinite(v) ? v : fallback;
}
