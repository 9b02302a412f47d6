import { z } from 'zod';
import { defineRecipe, oneTaskPerVariant, type RecipeInput } from '../define-recipe.ts';

/** Frame size of each aspect, in pixels: the sizes Douyin, Taobao and Tmall feeds take without re-scaling. */
export const slideshowFrames = {
  '9:16': { widthPx: 1080, heightPx: 1920 },
  '1:1': { widthPx: 1080, heightPx: 1080 },
  '16:9': { widthPx: 1920, heightPx: 1080 },
} as const;

/** The most product photos one slideshow takes; each gets at least ~1 s on screen at the shortest duration. */
export const maxSlideshowImages = 6;

/** ffmpeg xfade transitions we offer: the ones that read well on a product and cost little on a CPU. */
export const slideshowTransitions = ['fade', 'slideleft', 'slideright', 'slideup', 'wipeleft', 'circleopen', 'dissolve'] as const;

/** Parameters of the CPU slideshow. Strict: an unknown parameter is refused, never silently dropped. */
export const ShortVideoSlideshowParams = z.strictObject({
  aspect: z.enum(['9:16', '1:1', '16:9']).default('9:16'),
  /** Exact length of the MP4; whole seconds, so it is a whole number of frames at either frame rate. */
  durationS: z.int().min(5).max(15).default(8),
  /** Burnt-in caption (zh-CN or any script the CJK font covers); empty for none. */
  caption: z.string().max(60).default(''),
  transition: z.enum(slideshowTransitions).default('fade'),
  fps: z.union([z.literal(25), z.literal(30)]).default(25),
  /** `blur`: the photo blurred to fill the frame behind it; `white`: a plain white frame. */
  background: z.enum(['blur', 'white']).default('blur'),
});
export type ShortVideoSlideshowParams = z.infer<typeof ShortVideoSlideshowParams>;

const imageInputs: RecipeInput[] = Array.from({ length: maxSlideshowImages }, (_, i) => ({
  name: `image${i + 1}`, role: 'product', required: i === 0,
  label: { 'zh-CN': `商品图 ${i + 1}`, en: `Product photo ${i + 1}` },
}));

/** A product slideshow video on the CPU (sharp + ffmpeg): pan-zoom per photo, cross-fades, a caption. */
export const shortVideoSlideshowLocal = defineRecipe({
  id: 'short-video/slideshow-local',
  version: 1,
  type: 'short-video',
  title: { 'zh-CN': '短视频·商品图轮播（CPU）', en: 'Short video · product slideshow (CPU)' },
  description: {
    'zh-CN': '把 1–6 张商品图做成带推拉镜头、转场和字幕的 H.264 短视频，尺寸适配抖音、淘宝主图视频。',
    en: 'Turns 1–6 product photos into an H.264 clip with pan-zoom, transitions and a caption, sized for Douyin and Taobao feeds.',
  },
  backend: 'local',
  inputs: imageInputs,
  params: ShortVideoSlideshowParams,
  paramText: {
    aspect: {
      label: { 'zh-CN': '画面比例', en: 'Aspect ratio' },
      options: {
        '9:16': { 'zh-CN': '竖屏 9:16（抖音）', en: 'Portrait 9:16 (Douyin)' },
        '1:1': { 'zh-CN': '方形 1:1（主图视频）', en: 'Square 1:1 (main-image video)' },
        '16:9': { 'zh-CN': '横屏 16:9', en: 'Landscape 16:9' },
      },
    },
    durationS: { label: { 'zh-CN': '时长（秒）', en: 'Duration (s)' } },
    caption: {
      label: { 'zh-CN': '字幕', en: 'Caption' },
      help: { 'zh-CN': '烧录在画面底部，最多 60 字；留空则无字幕。', en: 'Burnt into the bottom of the frame, up to 60 characters; leave empty for none.' },
    },
    transition: {
      label: { 'zh-CN': '转场', en: 'Transition' },
      options: {
        fade: { 'zh-CN': '淡入淡出', en: 'Fade' },
        slideleft: { 'zh-CN': '向左滑动', en: 'Slide left' },
        slideright: { 'zh-CN': '向右滑动', en: 'Slide right' },
        slideup: { 'zh-CN': '向上滑动', en: 'Slide up' },
        wipeleft: { 'zh-CN': '向左擦除', en: 'Wipe left' },
        circleopen: { 'zh-CN': '圆形展开', en: 'Circle open' },
        dissolve: { 'zh-CN': '溶解', en: 'Dissolve' },
      },
    },
    fps: {
      label: { 'zh-CN': '帧率', en: 'Frame rate' },
      options: { 25: { 'zh-CN': '25 帧/秒', en: '25 fps' }, 30: { 'zh-CN': '30 帧/秒', en: '30 fps' } },
    },
    background: {
      label: { 'zh-CN': '背景', en: 'Background' },
      options: {
        blur: { 'zh-CN': '虚化原图', en: 'Blurred photo' },
        white: { 'zh-CN': '纯白', en: 'Plain white' },
      },
    },
  },
  outputs: { kind: 'video', countPerTask: 1 },
  estimateSecondsPerTask: 20,
  commercialUse: true,
  compile: oneTaskPerVariant,
});
