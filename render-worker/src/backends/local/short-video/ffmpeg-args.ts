import type { FrameSize } from './frame.ts';
import type { SlideshowTimeline } from './timeline.ts';

/** How far each clip zooms over its length: slow enough to read as a camera move, not a jump. */
const zoomAmount = 0.08;

export interface SlideshowArgsOptions {
  /** Prepared frame-sized PNGs, one per photo, in order. */
  framePaths: readonly string[];
  /** Frame-sized transparent PNG; none for no caption. */
  captionPath?: string;
  size: FrameSize;
  fps: number;
  transition: string;
  timeline: SlideshowTimeline;
  x264Preset: string;
  outPath: string;
}

/**
 * The ffmpeg command line: zoompan per photo (alternating in and out), chained xfade, the caption
 * overlaid, H.264 yuv420p with `+faststart` (the index up front, so a browser plays before it has all
 * bytes). `-frames:v` fixes the length to the frame; `-progress pipe:1` reports `frame=` lines on stdout.
 */
export function slideshowArgs(o: SlideshowArgsOptions): string[] {
  const { widthPx: w, heightPx: h } = o.size;
  const d = o.timeline.clipFrames;
  const inputs = o.framePaths.flatMap((p) => ['-i', p]);
  const filters = o.framePaths.map((_, i) => {
    const z = i % 2 === 0 ? `1+${zoomAmount}*on/${d}` : `${1 + zoomAmount}-${zoomAmount}*on/${d}`;
    return `[${i}:v]zoompan=z='${z}':x='iw/2-(iw/zoom/2)':y='ih/2-(ih/zoom/2)':d=${d}:s=${w}x${h}:fps=${o.fps},setsar=1,format=yuv420p,settb=AVTB[c${i}]`;
  });
  let last = 'c0';
  o.timeline.offsetsS.forEach((offset, k) => {
    const out = `x${k + 1}`;
    filters.push(`[${last}][c${k + 1}]xfade=transition=${o.transition}:duration=${o.timeline.transitionS.toFixed(3)}:offset=${offset.toFixed(3)}[${out}]`);
    last = out;
  });
  if (o.captionPath) {
    filters.push(`[${last}][${o.framePaths.length}:v]overlay=0:0:format=auto,format=yuv420p[out]`);
  } else {
    filters.push(`[${last}]format=yuv420p[out]`);
  }
  return [
    '-hide_banner', '-nostats', '-loglevel', 'error', '-y',
    ...inputs, ...(o.captionPath ? ['-i', o.captionPath] : []),
    '-filter_complex', filters.join(';'), '-map', '[out]',
    '-frames:v', String(o.timeline.totalFrames), '-r', String(o.fps),
    '-c:v', 'libx264', '-preset', o.x264Preset, '-crf', '23', '-pix_fmt', 'yuv420p', '-movflags', '+faststart', '-an',
    '-progress', 'pipe:1', o.outPath,
  ];
}
