import sharp from 'sharp';
import type { OverlayOptions } from 'sharp';
import { z } from 'zod';
import { MarketplacePresetId, marketplacePresets, SegmenterKind, TaskError } from '@shotfarm/shared';
import type { BoxPx, CutoutAnalysis, CutoutDiagnostics, CutoutMethod, CutoutOptions } from './cutout.ts';
import { analyseCutout, renderCutoutLayer, renderMask } from './cutout.ts';
import type { ProductPlacement } from './fit.ts';
import { Composition, placeProduct } from './fit.ts';
import type { HarmonyOptions } from './harmony.ts';
import { neutralGain, planHarmony } from './harmony.ts';
import { renderScene, SceneSpec } from './scene.ts';
import type { ShadowLayer, ShadowTarget } from './shadow.ts';
import { renderShadow, ShadowOptions, shadowScale } from './shadow.ts';
import { planVariant, ProductShotStudioParams, type VariantPlan } from './variants.ts';

/** Cut-out settings as the pipeline accepts them. */
const CutoutSettings = z.strictObject({
  toleranceDeltaE: z.number().positive().max(100).optional(),
  featherPx: z.number().min(0).max(100).optional(),
  segmenter: SegmenterKind.optional(),
  minConfidence: z.number().min(0).max(1).optional(),
});
/** Harmony settings as the pipeline accepts them; `strength: 0` turns it off. */
const HarmonySettings = z.strictObject({ strength: z.number().min(0).max(1).optional() });

/** Everything a {@link ProductShotPipeline} will do, recorded by its chained methods. */
export interface ProductShotPlan {
  cutout: CutoutOptions;
  scene: SceneSpec;
  shadow: ShadowOptions;
  harmony: HarmonyOptions;
  preset: MarketplacePresetId;
  composition: Composition;
}

/** The stages of a render, in the order they run. */
export type ProductShotStage = 'cutout' | 'scene' | 'shadow' | 'harmony' | 'composite' | 'encode';

/** Progress after each stage: the cut-out and the product's resize from the full photo dominate the time. */
const stageDone: Readonly<Record<ProductShotStage, number>> = {
  cutout: 0.4, scene: 0.5, shadow: 0.6, harmony: 0.62, composite: 0.85, encode: 1,
};

/** Options of {@link ProductShotPipeline.toBuffer}. */
export interface RunOptions {
  /**
   * Checked between stages; once aborted the render stops with `SF_RENDER_CANCELED`.
   * @defaultValue none: the render always runs to the end
   */
  signal?: AbortSignal;
  /**
   * Called after each stage with the fraction done (0–1) and the stage's name.
   * @defaultValue none
   */
  onProgress?: (fraction: number, stage: ProductShotStage) => void;
}

/** A finished product shot. */
export interface RenderedProductShot {
  /** The encoded image. */
  data: Buffer;
  info: { widthPx: number; heightPx: number; format: 'jpeg'; bytes: number };
  cutout: { method: CutoutMethod; bboxPx: BoxPx; confidence: number; diagnostics: CutoutDiagnostics };
  /** Where the product landed; `upscaled` means the photo was enlarged to fill its slot. */
  placement: ProductPlacement;
}

const defaultPlan: ProductShotPlan = {
  cutout: {},
  scene: { kind: 'solid', color: '#ffffff' },
  shadow: ShadowOptions.parse({}),
  harmony: {},
  preset: 'taobao-800',
  composition: Composition.parse({}),
};

/**
 * Builds a product shot on the CPU with sharp. Each chained method checks its options now (a bad one throws
 * `SF_RENDER_TASK_INVALID` before any pixel moves) and records them; pixels move once, in
 * {@link ProductShotPipeline.toBuffer}, which runs cutout → scene → shadow → harmony → composite → encode.
 * A later call of the same method replaces the earlier one. Without `.fit()` the preset is `taobao-800`;
 * without `.scene()` the scene is white.
 * @example
 * const shot = await new ProductShotPipeline(photo)
 *   .scene({ kind: 'gradient', from: '#f4efe6', to: '#d9cbb4', angleDeg: 180 })
 *   .shadow({ opacity: 0.3 })
 *   .fit('taobao-800', { placement: 'lower-third', scale: 0.9 })
 *   .toBuffer();
 * @example
 * // Amazon: the scene is forced to pure white and the product fills 85% of the frame.
 * const main = await new ProductShotPipeline(photo).fit('amazon-2000').toBuffer({ signal });
 */
export class ProductShotPipeline {
  readonly #plan: ProductShotPlan = { ...defaultPlan };

  constructor(readonly input: Buffer) {
    if (!Buffer.isBuffer(input) || input.length === 0) {
      throw new TaskError('SF_RENDER_INPUT_UNREADABLE',
        `Expected a non-empty Buffer for input but received ${describe(input)}`);
    }
  }

  /**
   * How the product is separated: `toleranceDeltaE` (default 18), `featherPx` (edge blur σ, source pixels),
   * `segmenter` (`classic` or `colour-key`), `minConfidence` (refused below it, `SF_CUTOUT_UNCERTAIN`).
   */
  cutout(options: CutoutOptions): this {
    this.#plan.cutout = parseOption(CutoutSettings, options, 'cutout');
    return this;
  }

  /** The scene the product stands on. Ignored (pure white) by presets that force white. */
  scene(spec: z.input<typeof SceneSpec>): this {
    this.#plan.scene = parseOption(SceneSpec, spec, 'scene');
    return this;
  }

  /** Contact shadow plus drop shadow: `opacity` (0–1, default 0.35), `blurPx` (default 2.4% of the canvas), `drop`. */
  shadow(options: z.input<typeof ShadowOptions> = {}): this {
    this.#plan.shadow = parseOption(ShadowOptions, options, 'shadow');
    return this;
  }

  /** Tint the product towards the scene: `strength` 0–1 (default 0.06, 0 = off). Skipped on pure white presets. */
  harmony(options: HarmonyOptions = {}): this {
    this.#plan.harmony = parseOption(HarmonySettings, options, 'harmony');
    return this;
  }

  /** Size and frame for a marketplace preset; `composition` picks placement, scale and margin. */
  fit(preset: MarketplacePresetId, composition: z.input<typeof Composition> = {}): this {
    this.#plan.preset = parseOption(MarketplacePresetId, preset, 'preset');
    this.#plan.composition = parseOption(Composition, composition, 'composition');
    return this;
  }

  /** A copy of the plan as recorded so far. */
  get plan(): Readonly<ProductShotPlan> {
    return { ...this.#plan };
  }

  /**
   * Runs the plan and encodes the result at exactly the preset's size.
   * @throws TaskError `SF_RENDER_BACKGROUND_TOO_BUSY`, `SF_RENDER_INPUT_UNREADABLE`, `SF_RENDER_CANCELED`,
   *   or `SF_RENDER_FAILED` (anything unexpected, with the cause).
   */
  async toBuffer(options: RunOptions = {}): Promise<RenderedProductShot> {
    try {
      return await runProductShot(this.input, { ...this.#plan }, options);
    } catch (cause) {
      if (cause instanceof TaskError) throw cause;
      const reason = cause instanceof Error ? cause.message : String(cause);
      throw new TaskError('SF_RENDER_FAILED', `product shot failed: ${reason}`, { cause });
    }
  }
}

/** Options of {@link renderProductShot}. */
export interface RenderProductShotOptions extends RunOptions {
  /** The product photo. */
  product: Buffer;
  /**
   * An uploaded scene: every variant uses it.
   * @defaultValue none: generated scenes
   */
  scene?: Buffer | undefined;
  /** The recipe's parameters (parsed again here, so raw input is fine). */
  params: z.input<typeof ProductShotStudioParams>;
  /** Which variant of the job this is; decides the scene and composition. */
  variantIndex: number;
  /** The task's seed; only jitters details, see {@link planVariant}. */
  seed: number;
}

/**
 * Renders variant `variantIndex` of a `product-shot/studio-local` job: plans it with {@link planVariant} and runs
 * a {@link ProductShotPipeline}. Same inputs, same bytes.
 * @example
 * const shot = await renderProductShot({ product, params: { preset: 'taobao-800' }, variantIndex: 1, seed: 42 });
 */
export async function renderProductShot(options: RenderProductShotOptions): Promise<RenderedProductShot & { variant: VariantSummary }> {
  const params = parseOption(ProductShotStudioParams, options.params, 'params');
  const plan = planVariant(params, options.variantIndex, { sceneImage: options.scene, seed: options.seed });
  const shot = await new ProductShotPipeline(options.product)
    .cutout({ toleranceDeltaE: params.backgroundTolerance, segmenter: params.segmenter })
    .scene(plan.scene)
    .shadow(plan.shadow)
    .fit(params.preset, plan.composition)
    .toBuffer({ signal: options.signal, onProgress: options.onProgress });
  const forceWhite = marketplacePresets[params.preset].forceWhite;
  return { ...shot, variant: summariseVariant(forceWhite ? { ...plan, scene: { kind: 'solid', color: '#ffffff' } } : plan) };
}

/** What a variant chose, as plain JSON: recorded on the output so a designer can re-run exactly what they liked. */
export interface VariantSummary {
  scene: string;
  sceneColors: string[];
  placement: string;
  scale: number;
}

function summariseVariant(plan: VariantPlan): VariantSummary {
  const s = plan.scene;
  const sceneColors = s.kind === 'gradient' ? [s.from, s.to] : s.kind === 'image' ? [] : [s.color];
  return { scene: s.kind, sceneColors, placement: plan.composition.placement, scale: plan.composition.scale };
}

async function runProductShot(input: Buffer, plan: ProductShotPlan, run: RunOptions): Promise<RenderedProductShot> {
  const stage = async <T>(name: ProductShotStage, work: () => Promise<T> | T): Promise<T> => {
    if (run.signal?.aborted) {
      throw new TaskError('SF_RENDER_CANCELED', `product shot canceled before ${name}`, { cause: run.signal.reason });
    }
    const result = await work();
    run.onProgress?.(stageDone[name], name);
    return result;
  };

  const analysis = await stage('cutout', () => analyseCutout(input, plan.cutout));
  const preset = marketplacePresets[plan.preset];
  const { widthPx: canvasW, heightPx: canvasH } = preset;
  const placement = placeProduct(analysis.bboxPx, preset, plan.composition);
  const k = placement.scale;
  const bbox = analysis.bboxPx;
  // The photo scaled by k is laid on the canvas with its origin here (whole pixels, so the layer lands on the grid).
  const originX = Math.round(placement.leftPx - bbox.left * k);
  const originY = Math.round(placement.topPx - bbox.top * k);
  const layerWindow = productWindow(analysis, k, { originX, originY, canvasW, canvasH });

  const sceneSpec: SceneSpec = preset.forceWhite ? { kind: 'solid', color: '#ffffff' } : plan.scene;
  const scene = await stage('scene', () => renderScene(sceneSpec, canvasW, canvasH));

  const shadow = await stage('shadow', async (): Promise<ShadowLayer | null> => {
    if (plan.shadow.opacity <= 0) return null;
    const productBoxPx = { left: placement.leftPx, top: placement.topPx, width: placement.widthPx, height: placement.heightPx };
    const mask = await shadowMask(analysis, k, { originX, originY, canvasW, canvasH });
    return renderShadow({ widthPx: canvasW, heightPx: canvasH, productBoxPx, mask }, plan.shadow);
  });

  // Pure white is the marketplace's rule, not a lighting choice: nothing to harmonise with.
  const gainRgb = await stage('harmony', () => (preset.forceWhite ? neutralGain : planHarmony(scene, plan.harmony)));
  const layer = await stage('composite', () => renderCutoutLayer(input, analysis, { scale: k, windowPx: layerWindow, gainRgb }));
  const layers: OverlayOptions[] = [];
  if (shadow) {
    layers.push({
      input: shadow.data, raw: { width: shadow.widthPx, height: shadow.heightPx, channels: 3 },
      left: shadow.leftPx, top: shadow.topPx, blend: 'multiply',
    });
  }
  layers.push({
    input: layer.data, raw: { width: layer.widthPx, height: layer.heightPx, channels: 4 },
    left: originX + layerWindow.left, top: originY + layerWindow.top,
  });
  const data = await stage('encode', () =>
    sharp(scene, { raw: { width: canvasW, height: canvasH, channels: 3 } })
      .composite(layers)
      .jpeg({ quality: preset.output.quality, mozjpeg: preset.output.mozjpeg })
      .toBuffer());

  return {
    data,
    info: { widthPx: canvasW, heightPx: canvasH, format: 'jpeg', bytes: data.length },
    cutout: { method: analysis.method, bboxPx: analysis.bboxPx, confidence: analysis.confidence, diagnostics: analysis.diagnostics },
    placement,
  };
}

/** Where the photo, scaled, has its origin on the canvas, and the canvas's size. */
interface CanvasOrigin {
  originX: number;
  originY: number;
  canvasW: number;
  canvasH: number;
}

/** The product's mask at the shadow's small scale, placed on the small canvas. */
async function shadowMask(analysis: CutoutAnalysis, k: number, at: CanvasOrigin): Promise<ShadowTarget['mask']> {
  const r = shadowScale(at.canvasW, at.canvasH);
  const maskScale = k * r;
  const bbox = analysis.bboxPx;
  const maskW = Math.max(1, Math.round(analysis.sourceWidthPx * maskScale));
  const maskH = Math.max(1, Math.round(analysis.sourceHeightPx * maskScale));
  const left = clamp(Math.floor(bbox.left * maskScale) - 1, 0, maskW - 1);
  const top = clamp(Math.floor(bbox.top * maskScale) - 1, 0, maskH - 1);
  const right = clamp(Math.ceil((bbox.left + bbox.width) * maskScale) + 1, left + 1, maskW);
  const bottom = clamp(Math.ceil((bbox.top + bbox.height) * maskScale) + 1, top + 1, maskH);
  const windowPx = { left, top, width: right - left, height: bottom - top };
  const mask = await renderMask(analysis, { scale: maskScale, windowPx, featherPx: 0 });
  return { ...mask, leftPx: Math.round(at.originX * r) + left, topPx: Math.round(at.originY * r) + top };
}

/**
 * The part of the scaled photo to render: the product's box plus room for the feathered edge, clipped to the
 * photo and to the canvas (a layer may not stick out of the image it is composited onto).
 */
function productWindow(analysis: CutoutAnalysis, k: number, at: CanvasOrigin): BoxPx {
  const bbox = analysis.bboxPx;
  const scaledW = Math.max(1, Math.round(analysis.sourceWidthPx * k));
  const scaledH = Math.max(1, Math.round(analysis.sourceHeightPx * k));
  const padPx = Math.ceil(analysis.featherPx * k * 3) + 2;
  const left = Math.max(0, Math.floor(bbox.left * k) - padPx, -at.originX);
  const top = Math.max(0, Math.floor(bbox.top * k) - padPx, -at.originY);
  const right = Math.min(scaledW, Math.ceil((bbox.left + bbox.width) * k) + padPx, at.canvasW - at.originX);
  const bottom = Math.min(scaledH, Math.ceil((bbox.top + bbox.height) * k) + padPx, at.canvasH - at.originY);
  return { left, top, width: Math.max(1, right - left), height: Math.max(1, bottom - top) };
}

function parseOption<S extends z.ZodType>(schema: S, value: unknown, name: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new TaskError('SF_RENDER_TASK_INVALID',
      `Expected a valid ${name} but received ${describe(value)}: ${z.prettifyError(parsed.error)}`, { cause: parsed.error });
  }
  return parsed.data;
}

function describe(value: unknown): string {
  if (Buffer.isBuffer(value)) return `a Buffer of ${value.length} bytes`;
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return `${text.length > 120 ? `${text.slice(0, 117)}...` : text} of type ${typeof value}`;
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}
