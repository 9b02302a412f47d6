import { composition, type WorkingCopyEdges } from './composition.ts';
import { lumaBandsOf } from './luma-bands.ts';
import { noiseSigma } from './noise.ts';
import { phash } from './phash.ts';
import { hammingDistance, productMask, type ProductMask } from '@shotfarm/shared/images';
import { resampleBox, type SampleBox } from './resample.ts';
import { ssim } from './ssim.ts';
import { readWorkingCopy, type WorkingCopy } from './working-copy.ts';

/** How faithfully a generated image kept the source product. */
export interface ProductFidelity {
  /** SSIM of the source cut-out and the matching region of the output, over the product's pixels. */
  ssim: number;
  /** 1 − pHash Hamming distance / 64 of the same two regions (background outside the product neutralised). */
  phashSimilarity: number;
  /** True when either measure is below its limit: the product was probably altered. */
  flagged: boolean;
}

/**
 * Below this SSIM the product is flagged. A faithful placement (rescaled, moved, relit, on another background)
 * keeps SSIM above about 0.8 once brightness is matched; another product, another shape or a redrawn print falls
 * to 0.5 or less, a garment against the person wearing it to about 0.05.
 */
export const minFidelitySsim = 0.65;
/** Below this pHash similarity (more than 16 of 64 bits differ) the product is flagged; unrelated images sit near 0.5. */
export const minFidelityPhashSimilarity = 0.75;

/** Longest side of the common size the two products are compared at. */
const compareSidePx = 128;
/** Longest side of the output copy the product is searched for in. */
const searchSidePx = 96;
/** Sizes tried in the coarse search, as a share of the largest template that fits the output: 1 down to 0.25, 7 % apart. */
const searchScales = Array.from({ length: 20 }, (_, k) => 0.93 ** k);
/** The smallest template side searched; smaller ones match noise. */
const minTemplateSidePx = 8;
/** Grey that stands in for everything outside the product when hashing, so backgrounds do not count. */
const neutralGrey = 128;

/** A decoded image, its product mask and the mask's box: what {@link compareProducts} needs of each side. */
export interface MaskedImage {
  luma: Float32Array;
  widthPx: number;
  heightPx: number;
  mask: ProductMask;
  /** The product's bounding box on the working copy (the whole frame when no product was separated). */
  box: WorkingCopyEdges;
}

/**
 * Compares the product in a source photo with the product in a generated image: cuts the product out of the source
 * (alpha, or border flood), finds the matching region of the output (the output's product box, and the best
 * brightness-invariant match of the cut-out searched over positions and sizes), resizes both to a common size,
 * matches the output's overall brightness and contrast to the source's (lighting is the scene's business), and
 * measures SSIM and pHash similarity on the product's pixels. The best-matching region is the one reported.
 * @throws FeatureExtractionError when either image cannot be read.
 */
export async function productFidelity(sourceProduct: Buffer, output: Buffer): Promise<ProductFidelity> {
  const [source, out] = await Promise.all([readWorkingCopy(sourceProduct), readWorkingCopy(output)]);
  return compareProducts(maskedImage(source), maskedImage(out));
}

/** The product mask and box of a working copy, for {@link compareProducts}. */
export function maskedImage(wc: WorkingCopy, mask?: ProductMask): MaskedImage {
  const { widthPx, heightPx } = wc.rgb;
  const m = mask ?? productMask(wc.rgb, { alpha: wc.alpha, noiseSigma: noiseSigma(lumaBandsOf(wc.luma, widthPx, heightPx)) });
  const { workingBox } = composition(m, wc.original);
  return { luma: wc.luma, widthPx, heightPx, mask: m, box: workingBox };
}

/** See {@link productFidelity}; this is the comparison on already decoded images. */
export function compareProducts(source: MaskedImage, output: MaskedImage): ProductFidelity {
  const src = boxToSample(source.box);
  const aspect = src.width / src.height;
  const [tw, th] = fitSide(aspect, compareSidePx);
  const srcLuma = resampleBox(source.luma, source.widthPx, source.heightPx, src, tw, th);
  const weights = resampleBox(maskAsFloat(source.mask), source.widthPx, source.heightPx, src, tw, th);

  const candidates: SampleBox[] = [searchBestMatch(source, src, output)];
  if (output.mask.method === 'alpha' || output.mask.method === 'border-flood') {
    candidates.push(coverWithAspect(boxToSample(output.box), aspect));
  }
  let best = { ssim: -Infinity, luma: srcLuma };
  for (const box of candidates) {
    const outLuma = matchGainAndOffset(resampleBox(output.luma, output.widthPx, output.heightPx, box, tw, th), srcLuma, weights);
    const s = ssim(srcLuma, outLuma, tw, th, weights);
    if (s > best.ssim) best = { ssim: s, luma: outLuma };
  }
  const hashSource = phash(neutraliseBackground(srcLuma, weights), tw, th);
  const hashOutput = phash(neutraliseBackground(best.luma, weights), tw, th);
  const phashSimilarity = 1 - hammingDistance(hashSource, hashOutput) / 64;
  const ssimValue = Number.isFinite(best.ssim) ? Math.max(-1, Math.min(1, best.ssim)) : 0;
  return {
    ssim: ssimValue,
    phashSimilarity,
    flagged: ssimValue < minFidelitySsim || phashSimilarity < minFidelityPhashSimilarity,
  };
}

function boxToSample(b: WorkingCopyEdges): SampleBox {
  return { left: b.left, top: b.top, width: Math.max(1, b.right - b.left), height: Math.max(1, b.bottom - b.top) };
}

/** Width and height with the given aspect whose longer side is `side` (each at least the SSIM window's reach). */
function fitSide(aspect: number, side: number): [number, number] {
  const w = aspect >= 1 ? side : Math.round(side * aspect);
  const h = aspect >= 1 ? Math.round(side / aspect) : side;
  return [Math.max(minTemplateSidePx, w), Math.max(minTemplateSidePx, h)];
}

/** The smallest box with the given aspect, centred on `b`, that covers it. */
function coverWithAspect(b: SampleBox, aspect: number): SampleBox {
  const cx = b.left + b.width / 2;
  const cy = b.top + b.height / 2;
  const width = Math.max(b.width, b.height * aspect);
  const height = width / aspect;
  return { left: cx - width / 2, top: cy - height / 2, width, height };
}

/**
 * The output region with a gain and offset applied so that its product pixels have the source's mean and spread:
 * a scene's lighting or a colour harmonisation changes the product's overall brightness and contrast, which is not
 * what fidelity asks about (its shape, print and detail are).
 */
function matchGainAndOffset(out: Float32Array, src: Float32Array, weights: Float32Array): Float32Array {
  let w = 0;
  let so = 0;
  let ss = 0;
  for (let i = 0; i < out.length; i++) { w += weights[i]!; so += weights[i]! * out[i]!; ss += weights[i]! * src[i]!; }
  if (w <= 0) return out;
  const mo = so / w;
  const ms = ss / w;
  let vo = 0;
  let vs = 0;
  for (let i = 0; i < out.length; i++) {
    vo += weights[i]! * (out[i]! - mo) ** 2;
    vs += weights[i]! * (src[i]! - ms) ** 2;
  }
  const gain = vo > 0 ? Math.sqrt(vs / vo) : 1;
  const result = new Float32Array(out.length);
  for (let i = 0; i < out.length; i++) result[i] = ms + (out[i]! - mo) * gain;
  return result;
}

function maskAsFloat(mask: ProductMask): Float32Array {
  const out = new Float32Array(mask.data.length);
  for (let i = 0; i < out.length; i++) out[i] = mask.data[i]!;
  return out;
}

function neutraliseBackground(luma: Float32Array, weights: Float32Array): Float32Array {
  const out = new Float32Array(luma.length);
  for (let i = 0; i < out.length; i++) out[i] = luma[i]! * weights[i]! + neutralGrey * (1 - weights[i]!);
  return out;
}

/**
 * The region of the output where the source's cut-out matches best by masked normalised cross-correlation, which
 * ignores brightness and contrast (a relit product still matches): a coarse search over positions and sizes on a
 * small copy, then a finer one around the best match on a copy twice as large.
 */
function searchBestMatch(source: MaskedImage, src: SampleBox, output: MaskedImage): SampleBox {
  const sourceMask = maskAsFloat(source.mask);
  const coarse = matchOnCopy(source, sourceMask, src, output, searchSidePx, searchScales.map((f) => ({ f, around: null })));
  const fine: { f: number; around: SampleBox | null }[] = [];
  for (const step of fineScaleSteps) fine.push({ f: step, around: coarse.box });
  const refined = matchOnCopy(source, sourceMask, src, output, searchSidePx * 2, fine);
  return refined.score >= coarse.score ? refined.box : coarse.box;
}

/** Relative sizes tried around the coarse match (the coarse steps are 7 % apart). */
const fineScaleSteps = [0.955, 0.97, 0.985, 1, 1.015, 1.03, 1.045] as const;
/** Positions tried around the coarse match, in pixels of the fine copy, either way. */
const fineShiftPx = 4;

/**
 * Best masked NCC of the source cut-out on a copy of the output whose longer side is `sidePx`. Each trial is a
 * template size (`f` × the largest that fits, or × the size of `around` when given) and, with `around`, only
 * positions within {@link fineShiftPx} of it; without, every position at a stride of about a twelfth of the template.
 */
function matchOnCopy(
  source: MaskedImage, sourceMask: Float32Array, src: SampleBox, output: MaskedImage, sidePx: number,
  trials: readonly { f: number; around: SampleBox | null }[],
): { score: number; box: SampleBox } {
  const scale = Math.min(1, sidePx / Math.max(output.widthPx, output.heightPx));
  const ow = Math.max(1, Math.round(output.widthPx * scale));
  const oh = Math.max(1, Math.round(output.heightPx * scale));
  const small = resampleBox(output.luma, output.widthPx, output.heightPx, { left: 0, top: 0, width: output.widthPx, height: output.heightPx }, ow, oh);
  const aspect = src.width / src.height;
  const maxW = aspect >= ow / oh ? ow : oh * aspect;
  let best = { score: -Infinity, box: { left: 0, top: 0, width: output.widthPx, height: output.heightPx } as SampleBox };
  for (const { f, around } of trials) {
    const tw = Math.round(around ? around.width * scale * f : maxW * f);
    const th = Math.round(tw / aspect);
    if (tw < minTemplateSidePx || th < minTemplateSidePx || tw > ow || th > oh) continue;
    const t = resampleBox(source.luma, source.widthPx, source.heightPx, src, tw, th);
    const m = resampleBox(sourceMask, source.widthPx, source.heightPx, src, tw, th);
    let mSum = 0;
    let tSum = 0;
    for (let i = 0; i < t.length; i++) { mSum += m[i]!; tSum += m[i]! * t[i]!; }
    if (mSum < 1) continue;
    const tMean = tSum / mSum;
    let tVar = 0;
    const tc = new Float32Array(t.length);
    for (let i = 0; i < t.length; i++) { tc[i] = m[i]! * (t[i]! - tMean); tVar += tc[i]! * (t[i]! - tMean); }
    let x0 = 0;
    let x1 = ow - tw;
    let y0 = 0;
    let y1 = oh - th;
    let stride = Math.max(1, Math.round(Math.min(tw, th) / 12));
    if (around) {
      // Keep the centre of the coarse match, shifted by a few pixels at most.
      const cx = Math.round((around.left + around.width / 2) * scale - tw / 2);
      const cy = Math.round((around.top + around.height / 2) * scale - th / 2);
      x0 = Math.max(0, cx - fineShiftPx); x1 = Math.min(ow - tw, cx + fineShiftPx);
      y0 = Math.max(0, cy - fineShiftPx); y1 = Math.min(oh - th, cy + fineShiftPx);
      stride = 1;
    }
    for (let y = y0; y <= y1; y += stride) {
      for (let x = x0; x <= x1; x += stride) {
        const score = maskedNcc(small, ow, x, y, tc, m, tw, th, mSum, tVar);
        if (score > best.score) {
          best = { score, box: { left: x / scale, top: y / scale, width: tw / scale, height: th / scale } };
        }
      }
    }
  }
  return best;
}

/** NCC of the centred, masked template `tc` (weights `m`) with the window of `img` at (x, y). */
function maskedNcc(
  img: Float32Array, imgWidth: number, x: number, y: number,
  tc: Float32Array, m: Float32Array, tw: number, th: number, mSum: number, tVar: number,
): number {
  let sO = 0;
  let sOO = 0;
  let sTO = 0;
  for (let ty = 0; ty < th; ty++) {
    const row = (y + ty) * imgWidth + x;
    const trow = ty * tw;
    for (let tx = 0; tx < tw; tx++) {
      const o = img[row + tx]!;
      const mm = m[trow + tx]!;
      sO += mm * o;
      sOO += mm * o * o;
      sTO += tc[trow + tx]! * o;
    }
  }
  const oVar = sOO - (sO * sO) / mSum;
  return tVar > 0 && oVar > 0 ? sTO / Math.sqrt(tVar * oVar) : 0;
}
