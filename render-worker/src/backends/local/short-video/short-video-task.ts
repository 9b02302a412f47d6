import { TaskError, type RenderOutput, type RenderTask } from '@shotfarm/shared';
import { maxSlideshowImages, ShortVideoSlideshowParams } from '@shotfarm/workflows';
import type { RenderContext } from '../../../interfaces/index.ts';
import { storeImageOutput } from '../../../outputs/store-output.ts';
import { renderSlideshow, type SlideshowOptions } from './slideshow.ts';

/** Encoder settings a worker may change; the recipe's parameters come from the task. */
export type ShortVideoTaskOptions = Pick<SlideshowOptions, 'x264Preset' | 'fonts' | 'ffmpegPath' | 'onFfmpegSpawn'>;

/** `short-video/slideshow-local`: read `image1` … `image6` from storage, render, store the MP4 and its poster. */
export async function runShortVideoTask(task: RenderTask, ctx: RenderContext, opts: ShortVideoTaskOptions = {}): Promise<RenderOutput[]> {
  const parsed = ShortVideoSlideshowParams.safeParse(task.params);
  if (!parsed.success) throw new TaskError('SF_RENDER_TASK_INVALID', `bad params: ${parsed.error.message}`);
  const keys = Array.from({ length: maxSlideshowImages }, (_, i) => task.inputs[`image${i + 1}`]?.key).filter((k) => k !== undefined);
  if (!task.inputs.image1 || keys.length === 0) throw new TaskError('SF_RENDER_TASK_INVALID', 'input "image1" is missing');
  const photos = await Promise.all(keys.map((k) => ctx.storage.get(k)));
  await ctx.progress({ fraction: 0.05, stage: 'inputs' });

  const show = await renderSlideshow({
    ...opts, photos, params: parsed.data, signal: ctx.signal,
    // Progress is best effort: a lost update must never fail (or crash) the render itself.
    onProgress: (fraction, stage) => { ctx.progress({ fraction: 0.05 + fraction * 0.9, stage }).catch(() => undefined); },
  });
  // A cancel that arrived during the encode must not leave a file behind: stop before anything is stored.
  if (ctx.signal.aborted) throw new TaskError('SF_RENDER_CANCELED', 'short video canceled before its output was stored', { cause: ctx.signal.reason });
  const output = await storeImageOutput(ctx.storage, {
    task, bytes: show.video, mime: 'video/mp4', width: show.size.widthPx, height: show.size.heightPx, poster: show.poster,
    params: { ...task.params, variant: task.variantIndex, seed: task.seed, images: photos.length },
  });
  await ctx.progress({ fraction: 1, stage: 'stored' });
  return [output];
}
