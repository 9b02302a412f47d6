import { marketplacePresets, TaskError } from '@shotfarm/shared';
import { mulberry32 } from '@shotfarm/shared/images';
import { ProductShotStudioParams } from '@shotfarm/workflows';
import type { Composition } from './fit.ts';
import type { HexColor, SceneSpec } from './scene.ts';
import { mixHex } from './scene.ts';
import type { ShadowOptions } from './shadow.ts';

// The recipe owns the parameter schema (one schema per concept); it is re-exported here so the renderer's
// callers need only this folder's index.
export { ProductShotStudioParams };

/** What one variant of a job looks like. */
export interface VariantPlan {
  scene: SceneSpec;
  composition: Composition;
  shadow: ShadowOptions;
}

/** What a variant is planned from besides the parameters. */
export interface VariantContext {
  /**
   * An uploaded scene: every variant stands on it and only the composition changes.
   * @defaultValue none: scenes are generated
   */
  sceneImage?: Buffer;
  /**
   * Seeds small, harmless jitter (a gradient's angle, a sweep's horizon). Which scene and composition a
   * variant gets depends on its index only, so variants stay distinct whatever the seeds.
   * @defaultValue 0
   */
  seed?: number;
}

/**
 * Light, low-chroma backdrops that flatter most products and read as "studio" on a marketplace grid: warm
 * neutrals, soft pastels, one cool grey. Ordered so that stepping through it by {@link paletteStep} alternates
 * warm and cool.
 */
export const scenePalette: readonly HexColor[] = [
  '#f4efe6', // linen
  '#e3e8ef', // fog blue
  '#f3e4e1', // blush
  '#dfe7e2', // sage mist
  '#efe6d6', // cream
  '#e9e4f0', // lavender haze
  '#e8ddd0', // sand
  '#dde5ea', // powder blue
  '#f2e8dc', // almond
  '#e4e6e1', // stone
  '#f1e1d8', // peach
  '#e6e9ec', // cool grey
];
/** Coprime with the palette's length, so consecutive variants jump across it and every colour comes up once. */
const paletteStep = 5;
/** Generated scene kinds that `auto` rotates through. */
const autoKinds = ['studio-sweep', 'solid', 'gradient'] as const;
/** Compositions a job cycles through; every scale differs, so two variants never frame the product the same. */
const compositions: readonly Composition[] = [
  { placement: 'center', scale: 1 },
  { placement: 'lower-third', scale: 0.9 },
  { placement: 'center', scale: 0.82 },
  { placement: 'lower-third', scale: 0.96 },
  { placement: 'center', scale: 0.88 },
  { placement: 'lower-third', scale: 0.78 },
];
/** On pure white presets the scene cannot change, so the shadow does, subtly, around the asked opacity. */
const whiteShadowFactors = [1, 0.75, 1.2, 0.6, 0.9, 1.1] as const;

/**
 * Plans variant `variantIndex` of a job: which scene and which composition. Deterministic: the same
 * parameters, index and context give the same plan.
 *
 * - Pure white presets (`forceWhite`): white every time; composition and shadow vary.
 * - With an uploaded scene image: that scene every time; composition varies.
 * - Otherwise `scene: 'auto'` rotates the kind (sweep, solid, gradient) and walks a curated palette, or tints
 *   of `color` when given; a fixed kind keeps the kind and still walks the colours. Composition varies too.
 * @example
 * const plan = planVariant(ProductShotStudioParams.parse({}), 2, { seed: 7 });
 * // plan.scene.kind === 'gradient'
 */
export function planVariant(params: ProductShotStudioParams, variantIndex: number, context: VariantContext = {}): VariantPlan {
  const index = Math.max(0, Math.floor(variantIndex));
  const preset = marketplacePresets[params.preset];
  const random = mulberry32((context.seed ?? 0) ^ 0x5f3759df);
  const composition: Composition = { ...compositions[index % compositions.length]!, marginPct: params.marginPct };
  const shadow: ShadowOptions = { opacity: params.shadowOpacity, drop: true };

  if (preset.forceWhite) {
    const factor = whiteShadowFactors[index % whiteShadowFactors.length]!;
    return {
      scene: { kind: 'solid', color: '#ffffff' },
      composition,
      shadow: { ...shadow, opacity: Math.min(1, params.shadowOpacity * factor), drop: index % 2 === 0 },
    };
  }
  if (context.sceneImage) return { scene: { kind: 'image', image: context.sceneImage }, composition, shadow };

  const kind = params.scene === 'auto' ? autoKinds[index % autoKinds.length]! : params.scene;
  const base = params.color
    // A chosen colour stays the variant-0 colour; later ones are lighter tints of it, never another hue.
    ? mixHex(params.color, '#ffffff', [0, 0.35, 0.2, 0.5, 0.1, 0.65][index % 6]!)
    : scenePalette[(index * paletteStep) % scenePalette.length]!;
  switch (kind) {
    case 'solid':
      return { scene: { kind, color: base }, composition, shadow };
    case 'gradient':
      return {
        scene: {
          kind, from: mixHex(base, '#ffffff', 0.55), to: mixHex(base, '#000000', 0.04),
          angleDeg: Math.round(160 + 40 * random()),
        },
        composition,
        shadow,
      };
    case 'studio-sweep':
      return { scene: { kind, color: base, horizonPct: Math.round(62 + 8 * random()) }, composition, shadow };
    default: {
      const unknown: never = kind;
      throw new TaskError('SF_RENDER_TASK_INVALID', `unknown scene kind ${String(unknown)}`);
    }
  }
}
