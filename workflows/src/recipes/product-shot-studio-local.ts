import { z } from 'zod';
import { defineRecipe, seedFor } from '../define-recipe.ts';

const hexColour = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'expected a colour like #f4efe6');

/** Parameters of the CPU product shot. Strict: an unknown parameter is refused, never silently dropped. */
export const ProductShotStudioParams = z.strictObject({
  /** Marketplace size preset. */
  preset: z.enum(['taobao-800', 'taobao-750x1000', 'amazon-2000']).default('taobao-800'),
  /** `auto` gives each variant a different scene; ignored when a scene image is given. */
  scene: z.enum(['auto', 'solid', 'gradient', 'studio-sweep']).default('auto'),
  /** Base colour of the scene; a curated palette when absent. */
  color: hexColour.optional(),
  /** Free space around the product, percent of the canvas. */
  marginPct: z.number().min(0).max(40).default(8),
  /** Darkness of the contact shadow, 0 (none) to 1. */
  shadowOpacity: z.number().min(0).max(1).default(0.35),
  /** How far (ΔE) a pixel may be from the background colour and still count as background. */
  backgroundTolerance: z.number().min(1).max(100).default(18),
});
export type ProductShotStudioParams = z.infer<typeof ProductShotStudioParams>;

/** Product on a generated or uploaded scene, on the CPU: the embedded default, no GPU needed. */
export const productShotStudioLocal = defineRecipe({
  id: 'product-shot/studio-local',
  version: 1,
  type: 'product-shot',
  title: { 'zh-CN': '商品图·棚拍合成（CPU）', en: 'Product shot · studio composite (CPU)' },
  description: {
    'zh-CN': '抠出商品，放到纯色、渐变、影棚或上传的场景上，加接触阴影，按电商尺寸输出。',
    en: 'Cuts the product out, places it on a solid, gradient, studio-sweep or uploaded scene with a contact shadow, sized for a marketplace.',
  },
  backend: 'local',
  inputs: [
    { name: 'product', role: 'product', required: true, label: { 'zh-CN': '商品图', en: 'Product photo' } },
    { name: 'scene', role: 'scene', required: false, label: { 'zh-CN': '场景图', en: 'Scene image' } },
  ],
  params: ProductShotStudioParams,
  outputs: { kind: 'image', countPerTask: 1 },
  estimateSecondsPerTask: 0.5,
  commercialUse: true,
  compile: ({ params, variants, seedBase }) =>
    Array.from({ length: variants }, (_, i) => ({ params: { ...params }, seed: seedFor(seedBase, i) })),
});
