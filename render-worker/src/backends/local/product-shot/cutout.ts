import sharp from 'sharp';
import { TaskError, SegmentationSettings, type SegmenterKind } from '@shotfarm/shared';
import type { BoxPx } from '@shotfarm/shared/images';
import {
  createSegmenter, deltaERgb, maskStats, readWorkingCopy, toSourceBox, unreadable,
  type BackgroundSurface, type ConfidenceSignals, type CutoutDiagnostics, type CutoutMethod, type MaskImage, type Segmentation, type Segmenter,
} from './segmentation/index.ts';


/**
 * Cuts the product out of its photo, on the CPU, and renders the cut-out layer at any scale.
 *
 * The separation itself is a {@link Segmenter} (segmentation/): image → alpha matte + confidence, chosen by
 * configuration (`classic`: colour key on plain backgrounds and transparent PNGs, GrabCut with guided-filter edges
 * elsewhere; `colour-key`: the key alone). The analysis runs on a copy no larger than 512 px; the matte is
 * upsampled when pixels are rendered, so the cost barely depends on the photo's size.
 */

export type { BoxPx, CutoutDiagnostics, CutoutMethod, MaskImage, BackgroundSurface, ConfidenceSignals, Segmenter };
export { workingMaxSidePx, maxBorderBusyFraction, maxBorderTextureRatio, maxFrameContactFraction } from './segmentation/index.ts';

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
  /**
   * Which segmenter separates the product.
   * @defaultValue `classic`
   */
  segmenter?: SegmenterKind;
  /**
   * Below this confidence (0–1) the cut-out is refused with `SF_CUTOUT_UNCERTAIN`.
   * @defaultValue {@link defaultMinCutoutConfidence}
   */
  minConfidence?: number;
}

/**
 * What {@link analyseCutout} learns from a photo: the segmenter's answer (matte at its own resolution, confidence,
 * background model) plus where the product lies in the oriented photo and how soft its edge is drawn — enough to
 * render the product at any scale later.
 */
export interface CutoutAnalysis extends Segmentation {
  /** Size of the photo after EXIF orientation. */
  sourceWidthPx: number;
  sourceHeightPx: number;
  /** The product's bounding box in source pixels (matte at least half opaque). */
  bboxPx: BoxPx;
  /** Feather σ in source pixels, resolved from the options. */
  featherPx: number;
}

/** The product cut out at full resolution. */
export interface CutoutResult {
  /** Raw, non-premultiplied RGBA of the whole (oriented) photo, the background transparent. */
  rgba: { data: Buffer; widthPx: number; heightPx: number };
  bbox: BoxPx;
  method: CutoutMethod;
  confidence: number;
}

/**
 * A studio background, once downscaled, stays within a few ΔE of a smooth model, and product edges stand 30 or
 * more above it; 18 also passes the lighter part of a soft contact shadow. Matches the recipe's default
 * `backgroundTolerance`.
 */
export const defaultToleranceDeltaE = 18;
/** Default feather σ as a fraction of the longest side: about 2 px at 2048, a soft but not blurry edge. */
export const defaultFeatherFraction = 0.001;
/** Mask values up to this (of 255) are dropped and the rest stretched: a soft edge pulled in by about a third. */
const edgeChoke = 64;

/** Reads the photo at working size and separates the product; the pixels of the product are not rendered yet. */
export async function analyseCutout(input: Buffer, opts: CutoutOptions = {}): Promise<CutoutAnalysis> {
  const toleranceDeltaE = opts.toleranceDeltaE ?? defaultToleranceDeltaE;
  if (!(toleranceDeltaE > 0)) throw invalid('toleranceDeltaE', 'a positive number', toleranceDeltaE);
  if (opts.featherPx !== undefined && !(opts.featherPx >= 0)) {
    throw invalid('featherPx', 'a non-negative number', opts.featherPx);
  }
  const settings = SegmentationSettings.safeParse({ segmenter: opts.segmenter, minConfidence: opts.minConfidence });
  if (!settings.success) throw invalid('segmentation settings', 'a known segmenter and a confidence in 0–1', JSON.stringify(opts));
  const working = await readWorkingCopy(input);
  const segmenter = createSegmenter({ ...settings.data, toleranceDeltaE });
  const segmentation = await segmenter.segment(working, input);
  const featherPx = opts.featherPx ?? Math.max(0.5, defaultFeatherFraction * Math.max(working.sourceWidthPx, working.sourceHeightPx));
  const stats = maskStats(segmentation.matte);
  const source = { widthPx: working.sourceWidthPx, heightPx: working.sourceHeightPx };
  return {
    ...segmentation, sourceWidthPx: source.widthPx, sourceHeightPx: source.heightPx,
    bboxPx: toSourceBox(stats.boxPx, segmentation.matte, source), featherPx,
  };
}

/**
 * Cuts the product out of a photo at full resolution.
 * @throws TaskError `SF_CUTOUT_UNCERTAIN` when the segmentation is not confident enough to publish;
 *   `SF_RENDER_BACKGROUND_TOO_BUSY` when the background cannot be separated at all (the colour key's busy border,
 *   nothing found, or "product" covering the frame); `SF_RENDER_INPUT_UNREADABLE` when the bytes are no image.
 * @example
 * const { rgba, bbox, method } = await cutOut(photo, { toleranceDeltaE: 15 });
 * await sharp(rgba.data, { raw: { width: rgba.widthPx, height: rgba.heightPx, channels: 4 } }).png().toFile('cut.png');
 */
export async function cutOut(input: Buffer, opts: CutoutOptions = {}): Promise<CutoutResult> {
  const analysis = await analyseCutout(input, opts);
  const whole = { left: 0, top: 0, width: analysis.sourceWidthPx, height: analysis.sourceHeightPx };
  const layer = await renderCutoutLayer(input, analysis, { scale: 1, windowPx: whole });
  return { rgba: { data: layer.data, widthPx: layer.widthPx, heightPx: layer.heightPx }, bbox: analysis.bboxPx, method: analysis.method, confidence: analysis.confidence };
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
 * matte is upsampled (bilinear, then the feather blur) to match it.
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
    if (mask && analysis.unmixEdges && alpha > 0 && alpha < 255) {
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
  const { matte: mask } = analysis;
  const scaledWidthPx = Math.max(1, Math.round(analysis.sourceWidthPx * opts.scale));
  const scaledHeightPx = Math.max(1, Math.round(analysis.sourceHeightPx * opts.scale));
  let image = sharp(mask.data, { raw: { width: mask.widthPx, height: mask.heightPx, channels: 1 } })
    .resize(scaledWidthPx, scaledHeightPx, { fit: 'fill', kernel: 'linear' });
  if (opts.featherPx >= 0.3) image = image.blur(opts.featherPx);
  // sharp turns one band into sRGB on output unless told otherwise.
  const data = await image.extract(opts.windowPx).toColourspace('b-w').raw().toBuffer();
  return { data, widthPx: opts.windowPx.width, heightPx: opts.windowPx.height };
}

// ——————————————————————————————————————————————— helpers ———————————————————————————————————————————————

function clampByte(v: number): number {
  return v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v);
}

function invalid(name: string, expected: string, value: unknown): TaskError {
  return new TaskError('SF_RENDER_TASK_INVALID',
    `Expected ${expected} for ${name} but received ${String(value)} of type ${typeof value}`);
}
