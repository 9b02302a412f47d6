import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { slideshowFrames, type ShortVideoSlideshowParams } from '@shotfarm/workflows';
import { findCaptionFont, type CaptionFont } from './caption-font.ts';
import { slideshowArgs } from './ffmpeg-args.ts';
import { prepareFrame, renderCaption, type FrameSize } from './frame.ts';
import { runFfmpeg } from './run-ffmpeg.ts';
import { planTimeline } from './timeline.ts';

/** x264 speed/size trade-off for production renders; tests pass `ultrafast` to stay quick on two cores. */
export const defaultX264Preset = 'veryfast';

export interface SlideshowOptions {
  photos: readonly Buffer[];
  params: ShortVideoSlideshowParams;
  signal: AbortSignal;
  /** 0 … 1 over preparing and encoding. */
  onProgress?: (fraction: number, stage: string) => void;
  /** @defaultValue {@link defaultX264Preset} */
  x264Preset?: string;
  /** @defaultValue the CJK fonts Debian ships (see `defaultCaptionFonts`) */
  fonts?: readonly CaptionFont[];
  /** @defaultValue 'ffmpeg' on PATH */
  ffmpegPath?: string;
  onFfmpegSpawn?: (pid: number) => void;
}

export interface Slideshow {
  video: Buffer;
  /** The first frame as a JPEG (the photo at zoom 1 with its caption), the gallery's thumbnail source. */
  poster: Buffer;
  size: FrameSize;
  durationS: number;
}

/**
 * Renders a product slideshow: sharp fits each photo to the frame and draws the caption, ffmpeg does
 * the pan-zoom, transitions and H.264 encode. Works in a temporary folder that is always removed.
 */
export async function renderSlideshow(o: SlideshowOptions): Promise<Slideshow> {
  const size = slideshowFrames[o.params.aspect];
  const font = o.params.caption.trim() === '' ? undefined : await findCaptionFont(o.fonts);
  const dir = await mkdtemp(path.join(tmpdir(), 'sf-slideshow-'));
  try {
    const frames = await Promise.all(o.photos.map((p) => prepareFrame(p, size, o.params.background)));
    const framePaths = await Promise.all(frames.map(async (f, i) => {
      const file = path.join(dir, `frame-${i}.png`);
      await writeFile(file, f);
      return file;
    }));
    const caption = font ? await renderCaption(o.params.caption.trim(), size, font) : undefined;
    const captionPath = caption ? path.join(dir, 'caption.png') : undefined;
    if (caption && captionPath) await writeFile(captionPath, caption);
    o.onProgress?.(0.1, 'frames');

    const timeline = planTimeline(frames.length, o.params.durationS, o.params.fps);
    const outPath = path.join(dir, 'out.mp4');
    const args = slideshowArgs({
      framePaths, ...(captionPath ? { captionPath } : {}), size, fps: o.params.fps, transition: o.params.transition,
      timeline, x264Preset: o.x264Preset ?? defaultX264Preset, outPath,
    });
    await runFfmpeg(args, {
      signal: o.signal, totalFrames: timeline.totalFrames,
      ...(o.ffmpegPath ? { ffmpegPath: o.ffmpegPath } : {}),
      ...(o.onFfmpegSpawn ? { onSpawn: o.onFfmpegSpawn } : {}),
      onProgress: (f) => o.onProgress?.(0.1 + f * 0.85, 'encoding'),
    });
    const poster = await sharp(frames[0]!).composite(caption ? [{ input: caption }] : []).jpeg({ quality: 85 }).toBuffer();
    return { video: await readFile(outPath), poster, size, durationS: timeline.totalFrames / o.params.fps };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
