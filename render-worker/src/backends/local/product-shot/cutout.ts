import sharp from 'sharp';
import { TaskError } from '@shotfarm/shared';
import {
  connectedComponents, floodFromEdge, forEachRingPixel, maskExtent, scaleBoxOutward, srgbByteToLinear, type BoxPx,
} from '@shotfarm/shared/images';

/**
 * Separates the product from a plain product photo, on the CPU.
 *
 * Two methods, chosen from the input:
 * - `alpha`: the photo already has a meaningful alpha channel (some pixels transparent), which is used as is.
 * - `border-colour`: the photo is a studio shot on a near-uniform background. The background is modelled from a
 *   band along the image border, and a flood fill from the border over near-background pixels marks what is
 *   background. Near-background regions the fill cannot reach (a white label on a dark bottle) stay opaque.
 *
 * The analysis runs on a copy no larger than {@link workingMaxSidePx}; the mask is upsampled when pixels are
 * rendered, so the cost barely depends on the photo's size.
 */

/** How the product was separated. */
export type CutoutMethod = 'alpha' | 'border-colour';

export type { BoxPx };

/** A single-channel 8-bit image: 255 is product, 0 is background. */
export interface MaskImage {
  data: Uint8Array;
  widthPx: number;
  heightPx: number;
}

/** Options of {@link cutOut} and {@link analyseCutout}. */
export interface CutoutOptions {
  /**
   * How far (ΔE, CIE76) a pixel may be from the modelled background and still count as background.
   * @defaultValue {@link defaultToleranceDeltaE}
   */
  toleranceDeltaE?: number;
  /**
   * Gaussian σ, in pixels of the source photo, of the blur that softens the mask's edge.
   * @defaultValue {@link defaultFeatherFraction} of the photo's longest side, at least 0.5
   */
  featherPx?: number;
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

/** What {@link analyseCutout} learns from a photo: enough to render the product at any scale later. */
export interface CutoutAnalysis {
  method: CutoutMethod;
  /** Size of the photo after EXIF orientation. */
  sourceWidthPx: number;
  sourceHeightPx: number;
  /** The product's bounding box in source pixels (mask at least half opaque). */
  bboxPx: BoxPx;
  /** The mask at working resolution (for `alpha`, the photo's own alpha channel, downscaled). */
  mask: MaskImage;
  /** Feather σ in source pixels, resolved from the options. */
  featherPx: number;
  /** Median background colour (sRGB), used to pull background colour out of semi-transparent edge pixels. */
  backgroundRgb: readonly [number, number, number];
  /**
   * The fitted background (Lab, per channel a quadratic over the frame in [−1, 1]²) and the tolerance it was
   * judged with; edge pixels are re-judged against it at output resolution. Null for `alpha`.
   */
  background: { surface: BackgroundSurface; toleranceDeltaE: number } | null;
  diagnostics: CutoutDiagnostics;
}

/** The product cut out at full resolution. */
export interface CutoutResult {
  /** Raw, non-premultiplied RGBA of the whole (oriented) photo, the background transparent. */
  rgba: { data: Buffer; widthPx: number; heightPx: number };
  bbox: BoxPx;
  method: CutoutMethod;
}

/**
 * A studio background, once downscaled, stays within a few ΔE of a smooth model, and product edges stand 30 or
 * more above it; 18 also passes the lighter part of a soft contact shadow. Matches the recipe's default
 * `backgroundTolerance`.
 */
export const defaultToleranceDeltaE = 18;
/** Default feather σ as a fraction of the longest side: about 2 px at 2048, a soft but not blurry edge. */
export const defaultFeatherFraction = 0.001;
/**
 * The analysis copy's longest side. At an 800 px main image one mask pixel is about one output pixel; larger
 * outputs get a softer mask edge, which the layer then re-judges against the background at full resolution.
 */
export const workingMaxSidePx = 512;
/**
 * Above this fraction of the border band far from the background model, the photo is refused: a product may
 * run off one edge (up to a quarter of the band) and a little more, but beyond that the "background" is a scene.
 */
export const maxBorderBusyFraction = 0.35;
/**
 * Refuse when the border's background pixels sit on average farther than this fraction of the tolerance from
 * the model. If residuals were half-normal, a mean of a third of the tolerance puts about 2% of background
 * pixels beyond it; at a half, about 11% are, and the fill leaves holes and false islands all over a texture.
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
/** Alpha at or below this counts as transparent when deciding whether an alpha channel is meaningful. */
const transparentAlphaLevel = 16;
/** At least this fraction of transparent pixels makes an alpha channel meaningful (not a stray opaque PNG). */
const minTransparentFraction = 0.005;
/** Product islands smaller than this fraction of the largest one are noise or dust, not product. */
const minIslandFraction = 0.01;
/** The border band's width as a fraction of the working copy's longest side. */
const borderBandFraction = 0.03;
/** Mask values up to this (of 255) are dropped and the rest stretched: a soft edge pulled in by about a third. */
const edgeChoke = 64;
/** At most this many border samples are used to fit the background model (it has 6 terms per channel). */
const maxModelSamples = 3000;

/** Reads the photo at working size and analyses it; the pixels of the product are not rendered yet. */
export async function analyseCutout(input: Buffer, opts: CutoutOptions = {}): Promise<CutoutAnalysis> {
  const toleranceDeltaE = opts.toleranceDeltaE ?? defaultToleranceDeltaE;
  if (!(toleranceDeltaE > 0)) throw invalid('toleranceDeltaE', 'a positive number', toleranceDeltaE);
  if (opts.featherPx !== undefined && !(opts.featherPx >= 0)) {
    throw invalid('featherPx', 'a non-negative number', opts.featherPx);
  }
  const working = await readWorkingCopy(input);
  const featherPx = opts.featherPx ?? Math.max(0.5, defaultFeatherFraction * Math.max(working.sourceWidthPx, working.sourceHeightPx));
  const base = { sourceWidthPx: working.sourceWidthPx, sourceHeightPx: working.sourceHeightPx, featherPx };

  if (working.channels === 4 && transparentFraction(working) >= minTransparentFraction) {
    const mask = extractAlpha(working);
    const stats = maskStats(mask);
    const diagnostics = {
      borderBusyFraction: 0, borderTextureDeltaE: 0, frameContactFraction: frameContact(mask), productFraction: stats.productFraction,
    };
    // A cut-out PNG is often trimmed to the product, so touching every edge is normal here: only emptiness is refused.
    refuseEmptyProduct(diagnostics.productFraction, stats.boxPx);
    return {
      ...base, method: 'alpha', mask, backgroundRgb: [255, 255, 255], background: null, diagnostics,
      bboxPx: toSourceBox(stats.boxPx, mask, working),
    };
  }

  const segmented = segmentByBorderColour(working, toleranceDeltaE);
  const stats = maskStats(segmented.mask);
  const diagnostics = { ...segmented.diagnostics, productFraction: stats.productFraction };
  refuseImplausibleProduct(diagnostics, stats.boxPx, segmented.mask);
  if (diagnostics.frameContactFraction > maxFrameContactFraction) {
    throw new TaskError('SF_RENDER_BACKGROUND_TOO_BUSY',
      `background too busy to separate the product: ${pct(diagnostics.frameContactFraction)} of the frame's edge ` +
      `is covered by what was taken for product (limit ${pct(maxFrameContactFraction)})`);
  }
  return {
    ...base, method: 'border-colour', mask: segmented.mask, backgroundRgb: segmented.backgroundRgb, diagnostics,
    background: { surface: segmented.surface, toleranceDeltaE },
    bboxPx: toSourceBox(stats.boxPx, segmented.mask, working),
  };
}

/**
 * Cuts the product out of a photo at full resolution.
 * @throws TaskError `SF_RENDER_BACKGROUND_TOO_BUSY` when the background cannot be separated (busy border,
 *   nothing found, or "product" covering the frame); `SF_RENDER_INPUT_UNREADABLE` when the bytes are no image.
 * @example
 * const { rgba, bbox, method } = await cutOut(photo, { toleranceDeltaE: 15 });
 * await sharp(rgba.data, { raw: { width: rgba.widthPx, height: rgba.heightPx, channels: 4 } }).png().toFile('cut.png');
 */
export async function cutOut(input: Buffer, opts: CutoutOptions = {}): Promise<CutoutResult> {
  const analysis = await analyseCutout(input, opts);
  const whole = { left: 0, top: 0, width: analysis.sourceWidthPx, height: analysis.sourceHeightPx };
  const layer = await renderCutoutLayer(input, analysis, { scale: 1, windowPx: whole });
  return { rgba: { data: layer.data, widthPx: layer.widthPx, heightPx: layer.heightPx }, bbox: analysis.bboxPx, method: analysis.method };
}

/** Options of {@link renderCutoutLayer}. */
export interface CutoutLayerOptions {
  /** Source pixels → layer pixels. */
  scale: number;
  /** The window to render, in pixels of the photo scaled by `scale` (so an integer grid at the output). */
  windowPx: BoxPx;
  /**
   * Per-channel multipliers applied to the product's colour (see harmony.ts).
   * @defaultValue `[1, 1, 1]`
   */
  gainRgb?: readonly [number, number, number];
}

/**
 * Renders part of the cut-out product at a scale: the photo is resized once, straight from the source, and the
 * working-size mask is upsampled (bilinear, then the feather blur) to match it.
 */
export async function renderCutoutLayer(
  input: Buffer, analysis: CutoutAnalysis, opts: CutoutLayerOptions,
): Promise<{ data: Buffer; widthPx: number; heightPx: number }> {
  const { windowPx: win, scale } = opts;
  const scaledWidthPx = Math.max(1, Math.round(analysis.sourceWidthPx * scale));
  const scaledHeightPx = Math.max(1, Math.round(analysis.sourceHeightPx * scale));
  const region = { left: win.left, top: win.top, width: win.width, height: win.height };
  const photo = sharp(input, { autoOrient: true, failOn: 'error' })
    .resize(scaledWidthPx, scaledHeightPx, { fit: 'fill' }).extract(region);
  const [colour, mask] = await Promise.all([
    (analysis.method === 'alpha' ? photo.ensureAlpha() : photo.removeAlpha()).toColourspace('srgb').raw().toBuffer(),
    analysis.method === 'alpha'
      ? Promise.resolve(null)
      : renderMask(analysis, { scale, windowPx: win, featherPx: analysis.featherPx * scale }),
  ]).catch((cause: unknown) => { throw unreadable(cause); });

  const pixelCount = win.width * win.height;
  const out = Buffer.allocUnsafe(pixelCount * 4);
  const [gainR, gainG, gainB] = opts.gainRgb ?? [1, 1, 1];
  const [bgR, bgG, bgB] = analysis.backgroundRgb;
  const colourChannels = analysis.method === 'alpha' ? 4 : 3;
  const background = analysis.background;
  // Edge pixels are re-judged at output resolution: the working mask is coarser than the output, so its soft
  // edge spills a pixel or two of background; any edge pixel that looks like background is faded out.
  const rampStart = background ? background.toleranceDeltaE * 0.3 : 0;
  const rampWidth = background ? background.toleranceDeltaE - rampStart : 1;
  for (let i = 0; i < pixelCount; i++) {
    const c = i * colourChannels;
    let alpha = mask ? mask.data[i]! : colour[c + 3]!;
    let r = colour[c]!;
    let g = colour[c + 1]!;
    let b = colour[c + 2]!;
    if (mask && background && alpha > 0 && alpha < 255) {
      const u = (2 * (win.left + (i % win.width) + 0.5)) / scaledWidthPx - 1;
      const v = (2 * (win.top + Math.floor(i / win.width) + 0.5)) / scaledHeightPx - 1;
      const t = Math.min(1, Math.max(0, (deltaERgb(r, g, b, background.surface, u, v) - rampStart) / rampWidth));
      alpha = Math.min(alpha, Math.round(255 * t * t * (3 - 2 * t)));
    }
    if (mask && alpha > 0 && alpha < 255) {
      // The outer rim of a soft edge is mostly background whatever the unmixing does: choke it away, so a
      // light photo background leaves no halo on a darker scene.
      alpha = alpha <= edgeChoke ? 0 : Math.round(((alpha - edgeChoke) * 255) / (255 - edgeChoke));
    }
    if (mask && alpha > 0 && alpha < 255) {
      // An edge pixel is a mix of product and background; unmixing it (F = B + (C − B) / α) keeps a light
      // fringe from showing on a darker scene. α is floored because the estimate is coarse where it is small.
      const inv = 255 / Math.max(alpha, 96);
      r = bgR + (r - bgR) * inv;
      g = bgG + (g - bgG) * inv;
      b = bgB + (b - bgB) * inv;
    }
    const o = i * 4;
    out[o] = clampByte(r * gainR);
    out[o + 1] = clampByte(g * gainG);
    out[o + 2] = clampByte(b * gainB);
    out[o + 3] = alpha;
  }
  return { data: out, widthPx: win.width, heightPx: win.height };
}

/** Options of {@link renderMask}. */
export interface RenderMaskOptions {
  /** Source pixels → mask pixels. */
  scale: number;
  /** The window to render, in pixels of the photo scaled by `scale`. */
  windowPx: BoxPx;
  /** Gaussian σ in output pixels; below 0.3 no blur runs. */
  featherPx: number;
}

/** The working-size mask upsampled (bilinear, no ringing) and feathered, cropped to a window. */
export async function renderMask(analysis: CutoutAnalysis, opts: RenderMaskOptions): Promise<MaskImage> {
  const { mask } = analysis;
  const scaledWidthPx = Math.max(1, Math.round(analysis.sourceWidthPx * opts.scale));
  const scaledHeightPx = Math.max(1, Math.round(analysis.sourceHeightPx * opts.scale));
  let image = sharp(mask.data, { raw: { width: mask.widthPx, height: mask.heightPx, channels: 1 } })
    .resize(scaledWidthPx, scaledHeightPx, { fit: 'fill', kernel: 'linear' });
  if (opts.featherPx >= 0.3) image = image.blur(opts.featherPx);
  // sharp turns one band into sRGB on output unless told otherwise.
  const data = await image.extract(opts.windowPx).toColourspace('b-w').raw().toBuffer();
  return { data, widthPx: opts.windowPx.width, heightPx: opts.windowPx.height };
}

// ————————————————————————————————————————————— reading —————————————————————————————————————————————

interface WorkingCopy {
  data: Buffer;
  widthPx: number;
  heightPx: number;
  channels: 3 | 4;
  sourceWidthPx: number;
  sourceHeightPx: number;
}

async function readWorkingCopy(input: Buffer): Promise<WorkingCopy> {
  try {
    const meta = await sharp(input, { failOn: 'error' }).metadata();
    const sourceWidthPx = meta.autoOrient.width;
    const sourceHeightPx = meta.autoOrient.height;
    const shrink = Math.min(1, workingMaxSidePx / Math.max(sourceWidthPx, sourceHeightPx));
    const widthPx = Math.max(1, Math.round(sourceWidthPx * shrink));
    const heightPx = Math.max(1, Math.round(sourceHeightPx * shrink));
    let image = sharp(input, { autoOrient: true, failOn: 'error' }).resize(widthPx, heightPx, { fit: 'fill' });
    image = meta.hasAlpha ? image.ensureAlpha() : image.removeAlpha();
    const { data, info } = await image.toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
    if (info.width !== widthPx || info.height !== heightPx || (info.channels !== 3 && info.channels !== 4)) {
      throw new Error(`unexpected decode ${info.width}×${info.height}×${info.channels}`);
    }
    return { data, widthPx, heightPx, channels: info.channels, sourceWidthPx, sourceHeightPx };
  } catch (cause) {
    throw unreadable(cause);
  }
}

function transparentFraction(img: WorkingCopy): number {
  const n = img.widthPx * img.heightPx;
  let transparent = 0;
  for (let i = 0; i < n; i++) if (img.data[i * 4 + 3]! <= transparentAlphaLevel) transparent++;
  return transparent / n;
}

function extractAlpha(img: WorkingCopy): MaskImage {
  const n = img.widthPx * img.heightPx;
  const data = new Uint8Array(n);
  for (let i = 0; i < n; i++) data[i] = img.data[i * 4 + 3]!;
  return { data, widthPx: img.widthPx, heightPx: img.heightPx };
}

// ——————————————————————————————————————— border-colour method ———————————————————————————————————————

interface Segmentation {
  mask: MaskImage;
  surface: BackgroundSurface;
  backgroundRgb: [number, number, number];
  diagnostics: Omit<CutoutDiagnostics, 'productFraction'>;
}

function segmentByBorderColour(img: WorkingCopy, toleranceDeltaE: number): Segmentation {
  const { widthPx: w, heightPx: h } = img;
  const n = w * h;
  const lab = toLab(img);
  const bandPx = Math.max(2, Math.round(borderBandFraction * Math.max(w, h)));
  const band = borderBand(w, h, bandPx);
  const model = fitBackgroundModel(lab, w, h, band, toleranceDeltaE);
  const distance = distanceMap(lab, w, h, model);

  // Busy-ness, measured before any pixel is classified: how much of the border is not background, and how
  // textured the part that is.
  let far = 0;
  let nearSum = 0;
  for (const i of band) {
    const d = distance[i]!;
    if (d > toleranceDeltaE) far++;
    else nearSum += d;
  }
  const borderBusyFraction = far / band.length;
  const borderTextureDeltaE = band.length > far ? nearSum / (band.length - far) : toleranceDeltaE;
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

  const background = floodFromBorder(distance, w, h, toleranceDeltaE);
  const product = keepProductIslands(background, w, h);
  const mask = new Uint8Array(n);
  // The soft ramp runs only on the ring of background pixels touching the product: there a pixel is a mix of
  // both, and its distance says roughly how much product it holds. Elsewhere background is fully transparent,
  // so the photo's faint shading does not come along as haze.
  const rampStart = toleranceDeltaE * 0.5;
  for (let y = 0, i = 0; y < h; y++) {
    for (let x = 0; x < w; x++, i++) {
      if (product[i]) {
        mask[i] = 255;
      } else if (background[i] && distance[i]! > rampStart && touchesProduct(product, w, h, x, y)) {
        const t = (distance[i]! - rampStart) / (toleranceDeltaE - rampStart);
        mask[i] = Math.round(255 * t * t * (3 - 2 * t));
      }
    }
  }
  const productMask = { data: mask, widthPx: w, heightPx: h };
  return {
    mask: productMask,
    surface: model,
    backgroundRgb: medianBackgroundRgb(img, band, distance, toleranceDeltaE),
    diagnostics: { borderBusyFraction, borderTextureDeltaE, frameContactFraction: frameContact(productMask) },
  };
}

/** sRGB 8-bit → CIELAB (D65), three floats per pixel. */
function toLab(img: WorkingCopy): Float32Array {
  const n = img.widthPx * img.heightPx;
  const out = new Float32Array(n * 3);
  const { channels, data } = img;
  for (let i = 0, c = 0; i < n; i++, c += channels) labOf(data[c]!, data[c + 1]!, data[c + 2]!, out, i * 3);
  return out;
}

/** Writes the Lab of one 8-bit sRGB colour at `out[o..o+2]`. */
function labOf(r8: number, g8: number, b8: number, out: Float32Array, o: number): void {
  const r = srgbByteToLinear[r8]!;
  const g = srgbByteToLinear[g8]!;
  const b = srgbByteToLinear[b8]!;
  const fx = labF((0.4124564 * r + 0.3575761 * g + 0.1804375 * b) * (1 / 0.95047));
  const fy = labF(0.2126729 * r + 0.7151522 * g + 0.072175 * b);
  const fz = labF((0.0193339 * r + 0.119192 * g + 0.9503041 * b) * (1 / 1.08883));
  out[o] = 116 * fy - 16;
  out[o + 1] = 500 * (fx - fy);
  out[o + 2] = 200 * (fy - fz);
}

/** Lab's f(t) on [0, 1.1] (X/Xn and Z/Zn reach a little past 1), tabulated: a cube root per channel per pixel adds up. */
const labFSteps = 4096;
const labFTable = Float64Array.from({ length: labFSteps + 2 }, (_, i) => {
  const t = (i / labFSteps) * 1.1;
  return t > 0.008856 ? Math.cbrt(t) : 7.787 * t + 16 / 116;
});

function labF(t: number): number {
  // Linear interpolation between table entries: error below 1e-4 in f, far under a ΔE of 0.1, except near 0
  // where the cube root is steep; the exact form is cheap there anyway.
  if (t < 0.02) return t > 0.008856 ? Math.cbrt(t) : 7.787 * t + 16 / 116;
  const x = (t * labFSteps) / 1.1;
  const i = x | 0;
  if (i >= labFSteps) return Math.cbrt(t);
  const f = x - i;
  return labFTable[i]! + (labFTable[i + 1]! - labFTable[i]!) * f;
}

/** Indices of the pixels within `bandPx` of the edge. */
function borderBand(w: number, h: number, bandPx: number): Int32Array {
  const indices: number[] = [];
  for (let y = 0; y < h; y++) {
    const rowEdge = y < bandPx || y >= h - bandPx;
    for (let x = 0; x < w; x++) {
      if (rowEdge || x < bandPx || x >= w - bandPx) indices.push(y * w + x);
    }
  }
  return Int32Array.from(indices);
}

/** Per Lab channel, the six coefficients of c0 + c1·u + c2·v + c3·uv + c4·u² + c5·v², u and v in [−1, 1]. */
export type BackgroundSurface = readonly [readonly number[], readonly number[], readonly number[]];
type BackgroundModel = BackgroundSurface;

/**
 * Models the background as a quadratic surface in L, a and b over the frame, fitted to the border band with
 * trimming: studio light falls off smoothly (a sweep, a vignette), and a quadratic in x and y follows that
 * falloff, while the trimming drops border pixels that belong to the product or to clutter.
 */
function fitBackgroundModel(
  lab: Float32Array, w: number, h: number, band: Int32Array, toleranceDeltaE: number,
): BackgroundModel {
  const stride = Math.max(1, Math.floor(band.length / maxModelSamples));
  const samples: number[] = [];
  for (let k = 0; k < band.length; k += stride) samples.push(band[k]!);
  const coords = (i: number): [number, number] => [unit(i % w, w), unit(Math.floor(i / w), h)];

  // Start from the per-channel median, robust to up to half the border being product or clutter.
  const medians = [0, 1, 2].map((ch) => median(samples.map((i) => lab[i * 3 + ch]!)));
  let model: BackgroundModel = [
    [medians[0]!, 0, 0, 0, 0, 0], [medians[1]!, 0, 0, 0, 0, 0], [medians[2]!, 0, 0, 0, 0, 0],
  ];
  for (let iteration = 0; iteration < 3; iteration++) {
    const current = model;
    const inliers = samples.filter((i) => {
      const [u, v] = coords(i);
      return deltaE(lab, i, current, u, v) <= toleranceDeltaE;
    });
    // Too few inliers to trust six terms: keep the current model and let the busy check decide.
    if (inliers.length < Math.max(24, samples.length * 0.2)) break;
    const next = fitQuadratic(inliers, lab, coords);
    if (!next) break;
    model = next;
  }
  return model;
}

function unit(x: number, size: number): number {
  return size > 1 ? (2 * x) / (size - 1) - 1 : 0;
}

function modelAt(c: readonly number[], u: number, v: number): number {
  return c[0]! + c[1]! * u + c[2]! * v + c[3]! * u * v + c[4]! * u * u + c[5]! * v * v;
}

function deltaE(lab: Float32Array, i: number, model: BackgroundModel, u: number, v: number): number {
  const dL = lab[i * 3]! - modelAt(model[0], u, v);
  const da = lab[i * 3 + 1]! - modelAt(model[1], u, v);
  const db = lab[i * 3 + 2]! - modelAt(model[2], u, v);
  return Math.sqrt(dL * dL + da * da + db * db);
}

/** ΔE of one sRGB colour from the background surface at (u, v). */
function deltaERgb(r: number, g: number, b: number, surface: BackgroundSurface, u: number, v: number): number {
  labOf(r, g, b, scratchLab, 0);
  return deltaE(scratchLab, 0, surface, u, v);
}

const scratchLab = new Float32Array(3);

/** ΔE of every pixel from the background model at its place. */
function distanceMap(lab: Float32Array, w: number, h: number, model: BackgroundModel): Float32Array {
  const out = new Float32Array(w * h);
  const [cl, ca, cb] = model;
  for (let y = 0, i = 0; y < h; y++) {
    const v = unit(y, h);
    // Per row the model is a quadratic in u alone: p0 + p1·u + p2·u².
    const rowL = [cl[0]! + cl[2]! * v + cl[5]! * v * v, cl[1]! + cl[3]! * v, cl[4]!] as const;
    const rowA = [ca[0]! + ca[2]! * v + ca[5]! * v * v, ca[1]! + ca[3]! * v, ca[4]!] as const;
    const rowB = [cb[0]! + cb[2]! * v + cb[5]! * v * v, cb[1]! + cb[3]! * v, cb[4]!] as const;
    for (let x = 0; x < w; x++, i++) {
      const u = unit(x, w);
      const dL = lab[i * 3]! - (rowL[0] + (rowL[1] + rowL[2] * u) * u);
      const da = lab[i * 3 + 1]! - (rowA[0] + (rowA[1] + rowA[2] * u) * u);
      const db = lab[i * 3 + 2]! - (rowB[0] + (rowB[1] + rowB[2] * u) * u);
      out[i] = Math.sqrt(dL * dL + da * da + db * db);
    }
  }
  return out;
}

function medianBackgroundRgb(
  img: WorkingCopy, band: Int32Array, distance: Float32Array, toleranceDeltaE: number,
): [number, number, number] {
  const stride = Math.max(1, Math.floor(band.length / maxModelSamples));
  const all: number[] = [];
  for (let k = 0; k < band.length; k += stride) all.push(band[k]!);
  const near = all.filter((i) => distance[i]! <= toleranceDeltaE);
  const pick = near.length > 0 ? near : all;
  const m = [0, 1, 2].map((ch) => median(pick.map((i) => img.data[i * img.channels + ch]!)));
  return [m[0]!, m[1]!, m[2]!];
}

/** Least squares for c0 + c1·u + c2·v + c3·uv + c4·u² + c5·v², per Lab channel, with a light ridge. */
function fitQuadratic(
  indices: number[], lab: Float32Array, coords: (i: number) => [number, number],
): BackgroundModel | null {
  const terms = 6;
  const ata = Array.from({ length: terms }, () => new Float64Array(terms));
  const atb = Array.from({ length: 3 }, () => new Float64Array(terms));
  const row = new Float64Array(terms);
  for (const i of indices) {
    const [uu, vv] = coords(i);
    row[0] = 1; row[1] = uu; row[2] = vv; row[3] = uu * vv; row[4] = uu * uu; row[5] = vv * vv;
    for (let r = 0; r < terms; r++) {
      for (let c = 0; c < terms; c++) ata[r]![c]! += row[r]! * row[c]!;
      for (let ch = 0; ch < 3; ch++) atb[ch]![r]! += row[r]! * lab[i * 3 + ch]!;
    }
  }
  // The ridge keeps the surface flat where the border gives no evidence (say, a whole side is product).
  const ridge = indices.length * 1e-3;
  for (let r = 1; r < terms; r++) ata[r]![r]! += ridge;
  const solve = (ch: number): number[] | null => solveLinear(ata.map((r) => Array.from(r)), Array.from(atb[ch]!));
  const [l, a, b] = [solve(0), solve(1), solve(2)];
  return l && a && b ? [l, a, b] : null;
}

/** Gaussian elimination with partial pivoting; null when singular. */
function solveLinear(a: number[][], b: number[]): number[] | null {
  const n = b.length;
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(a[r]![col]!) > Math.abs(a[pivot]![col]!)) pivot = r;
    if (Math.abs(a[pivot]![col]!) < 1e-12) return null;
    [a[col], a[pivot]] = [a[pivot]!, a[col]!];
    [b[col], b[pivot]] = [b[pivot]!, b[col]!];
    for (let r = col + 1; r < n; r++) {
      const f = a[r]![col]! / a[col]![col]!;
      for (let c = col; c < n; c++) a[r]![c]! -= f * a[col]![c]!;
      b[r]! -= f * b[col]!;
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = b[r]!;
    for (let c = r + 1; c < n; c++) s -= a[r]![c]! * x[c]!;
    x[r] = s / a[r]![r]!;
  }
  return x;
}

/** 1 where a pixel is near-background and connected to the image border through near-background pixels. */
function floodFromBorder(distance: Float32Array, w: number, h: number, toleranceDeltaE: number): Uint8Array {
  const passable = new Uint8Array(w * h);
  for (let i = 0; i < passable.length; i++) passable[i] = distance[i]! < toleranceDeltaE ? 1 : 0;
  return floodFromEdge(passable, w, h);
}

/**
 * Product = everything the flood did not reach, minus islands far smaller than the largest one (dust, noise,
 * a stray speck of texture). Several large islands survive: a pair of shoes is two. When the largest island
 * lies inside the frame, islands cut by the frame's edge are surroundings (a table edge, a wall), not product.
 */
function keepProductIslands(background: Uint8Array, w: number, h: number): Uint8Array {
  const n = w * h;
  const candidate = new Uint8Array(n);
  for (let i = 0; i < n; i++) candidate[i] = background[i] ? 0 : 1;
  const { labels, sizes, onFrame } = connectedComponents(candidate, w, h);
  let largest = 0;
  for (let id = 1; id < sizes.length; id++) if (sizes[id]! > sizes[largest]!) largest = id;
  const dropFrameIslands = largest > 0 && !onFrame[largest];
  const keep = sizes.map((s, id) =>
    id > 0 && s >= sizes[largest]! * minIslandFraction && !(dropFrameIslands && onFrame[id]));
  const product = new Uint8Array(n);
  for (let i = 0; i < n; i++) if (keep[labels[i]!]) product[i] = 1;
  return product;
}

function touchesProduct(product: Uint8Array, w: number, h: number, x: number, y: number): boolean {
  for (let dy = -1; dy <= 1; dy++) {
    const yy = y + dy;
    if (yy < 0 || yy >= h) continue;
    for (let dx = -1; dx <= 1; dx++) {
      const xx = x + dx;
      if (xx >= 0 && xx < w && product[yy * w + xx]) return true;
    }
  }
  return false;
}

// ——————————————————————————————————————————— checks and boxes ———————————————————————————————————————————

function maskStats(mask: MaskImage): { productFraction: number; boxPx: BoxPx | null } {
  const { count, box } = maskExtent(mask.data, mask.widthPx, mask.heightPx, { minValue: 128 });
  return { productFraction: count / (mask.widthPx * mask.heightPx), boxPx: box };
}

/** Fraction of the frame's outermost pixels that are at least half product. */
function frameContact(mask: MaskImage): number {
  const { data, widthPx: w, heightPx: h } = mask;
  let count = 0;
  let total = 0;
  forEachRingPixel(w, h, (i) => { total++; if (data[i]! >= 128) count++; });
  return total > 0 ? count / total : 0;
}

function refuseEmptyProduct(productFraction: number, box: BoxPx | null): asserts box is BoxPx {
  if (!box || productFraction < minProductFraction) {
    throw new TaskError('SF_RENDER_BACKGROUND_TOO_BUSY',
      `no product found: it covers ${pct(productFraction)} of the frame (need at least ${pct(minProductFraction)})`);
  }
}

function refuseImplausibleProduct(diagnostics: CutoutDiagnostics, box: BoxPx | null, mask: MaskImage): void {
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
}

/** Working-copy box → source box, rounded outward so no product pixel falls outside. */
function toSourceBox(box: BoxPx | null, mask: MaskImage, img: WorkingCopy): BoxPx {
  const source = { widthPx: img.sourceWidthPx, heightPx: img.sourceHeightPx };
  return box ? scaleBoxOutward(box, mask, source) : { left: 0, top: 0, width: source.widthPx, height: source.heightPx };
}

// ——————————————————————————————————————————————— helpers ———————————————————————————————————————————————

function median(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = Float64Array.from(values).sort();
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function clampByte(v: number): number {
  return v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v);
}

function pct(fraction: number): string {
  return `${(fraction * 100).toFixed(1)}%`;
}

function invalid(name: string, expected: string, value: unknown): TaskError {
  return new TaskError('SF_RENDER_TASK_INVALID',
    `Expected ${expected} for ${name} but received ${String(value)} of type ${typeof value}`);
}

function unreadable(cause: unknown): TaskError {
  if (cause instanceof TaskError) return cause;
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new TaskError('SF_RENDER_INPUT_UNREADABLE', `cannot read the product photo: ${reason}`, { cause });
}
