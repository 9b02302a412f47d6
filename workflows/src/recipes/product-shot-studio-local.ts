import { z } from 'zod';
import { HexColor, MarketplacePresetId, SegmenterKind } from '@shotfarm/shared';
import { defineRecipe, oneTaskPerVariant } from '../define-recipe.ts';

/** Parameters of the CPU product shot. Strict: an unknown parameter is refused, never silently dropped. */
export const ProductShotStudioParams = z.strictObject({
  /** Marketplace size preset. */
  preset: MarketplacePresetId.default('taobao-800'),
  /** `auto` gives each variant a different scene; ignored when a scene image is given. */
  scene: z.enum(['auto', 'solid', 'gradient', 'studio-sweep']).default('auto'),
  /** Base colour of the scene; a curated palette when absent. */
  color: HexColor.optional(),
  /** Free space around the product, percent of the canvas. */
  marginPct: z.number().min(0).max(40).default(8),
  /** Darkness of the contact shadow, 0 (none) to 1. */
  shadowOpacity: z.number().min(0).max(1).default(0.35),
  /** How far (ΔE) a pixel may be from the background colour and still count as background. */
  backgroundTolerance: z.number().min(1).max(100).default(18),
  /** How the product is separated: `classic` (colour key on plain backgrounds, GrabCut elsewhere) or the colour key alone. */
  segmenter: SegmenterKind.default('classic'),
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
    en: 'Cuts the product out, places it on a solid, gradient, studio sweep or uploaded scene with a contact shadow, sized for a marketplace.',
  },
  backend: 'local',
  inputs: [
    { name: 'product', role: 'product', required: true, label: { 'zh-CN': '商品图', en: 'Product photo' } },
    { name: 'scene', role: 'scene', required: false, label: { 'zh-CN': '场景图', en: 'Scene image' } },
  ],
  params: ProductShotStudioParams,
  paramText: {
    preset: {
      label: { 'zh-CN': '尺寸', en: 'Size' },
      options: {
        'taobao-800': { 'zh-CN': '淘宝主图 800×800', en: 'Taobao main 800×800' },
        'taobao-750x1000': { 'zh-CN': '淘宝竖版 750×1000', en: 'Taobao portrait 750×1000' },
        'amazon-2000': { 'zh-CN': '亚马逊主图 2000×2000', en: 'Amazon main 2000×2000' },
      },
    },
    scene: {
      label: { 'zh-CN': '场景', en: 'Scene' },
      help: { 'zh-CN': '上传了场景图时以场景图为准。', en: 'An uploaded scene image takes precedence.' },
      options: {
        auto: { 'zh-CN': '自动（每张不同）', en: 'Auto (varies per image)' },
        solid: { 'zh-CN': '纯色背景', en: 'Solid colour' },
        gradient: { 'zh-CN': '渐变背景', en: 'Gradient' },
        'studio-sweep': { 'zh-CN': '影棚无缝背景', en: 'Studio sweep' },
      },
    },
    color: {
      label: { 'zh-CN': '背景颜色', en: 'Background colour' },
      help: { 'zh-CN': '不选时使用精选配色，每张不同。', en: 'Leave empty for a curated palette, different per image.' },
    },
    marginPct: { label: { 'zh-CN': '边距 (%)', en: 'Margin (%)' } },
    shadowOpacity: { label: { 'zh-CN': '阴影不透明度', en: 'Shadow opacity' } },
    backgroundTolerance: {
      label: { 'zh-CN': '背景容差', en: 'Background tolerance' },
      help: { 'zh-CN': '越大，越多接近背景色的像素被当作背景去掉。', en: 'Higher removes more pixels close to the background colour.' },
    },
    segmenter: {
      label: { 'zh-CN': '抠图方式', en: 'Cut-out method' },
      help: {
        'zh-CN': '经典：纯色背景用色键，其他背景用 GrabCut 分割并细化边缘；色键：只处理纯色背景，最快。',
        en: 'Classic: colour key on plain backgrounds, GrabCut with refined edges elsewhere. Colour key: plain backgrounds only, fastest.',
      },
      options: {
        classic: { 'zh-CN': '经典（GrabCut）', en: 'Classic (GrabCut)' },
        'colour-key': { 'zh-CN': '色键（仅纯色背景）', en: 'Colour key (plain backgrounds only)' },
      },
    },
  },
  outputs: { kind: 'image', countPerTask: 1 },
  estimateSecondsPerTask: 0.5,
  commercialUse: true,
  compile: oneTaskPerVariant,
});
