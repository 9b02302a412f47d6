export { renderSlideshow, defaultX264Preset, type Slideshow, type SlideshowOptions } from './slideshow.ts';
export { runShortVideoTask, type ShortVideoTaskOptions } from './short-video-task.ts';
export { findCaptionFont, defaultCaptionFonts, type CaptionFont } from './caption-font.ts';
export { planTimeline, type SlideshowTimeline } from './timeline.ts';
export { runFfmpeg, type RunFfmpegOptions } from './run-ffmpeg.ts';
