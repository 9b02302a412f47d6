import sharp from 'sharp';
import type { CaptionFont } from './caption-font.ts';

export interface FrameSize { widthPx: number; heightPx: number }

/** Sigma of the blurred fill behind a photo: strong enough that it reads as backdrop, not as a second photo. */
const fillBlurSigma = 40;
/** Share of the frame the photo may cover, so the pan-zoom never pushes the product off the edge. */
const photoCoverage = 0.9;
/** Caption text height relative to the frame's shorter side. */
const captionSizeRatio = 0.06;

/**
 * One photo fitted to the video frame: whole (never cropped) and centred, over a blurred, enlarged copy
 * of itself or over white. Returned as PNG, since ffmpeg reads it once more.
 */
export async function prepareFrame(photo: Buffer, size: FrameSize, background: 'blur' | 'white'): Promise<Buffer> {
  const { widthPx, heightPx } = size;
  const fg = await sharp(photo).rotate()
    .resize(Math.round(widthPx * photoCoverage), Math.round(heightPx * photoCoverage), { fit: 'inside' })
    .toBuffer();
  const base = background === 'white'
    ? sharp({ create: { width: widthPx, height: heightPx, channels: 3, background: '#ffffff' } })
    : sharp(await sharp(photo).rotate().resize(widthPx, heightPx, { fit: 'cover' }).blur(fillBlurSigma).modulate({ brightness: 0.9 }).toBuffer());
  return base.composite([{ input: fg, gravity: 'centre' }]).flatten({ background: '#ffffff' }).png().toBuffer();
}

const escapeMarkup = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * The caption as a transparent frame-sized PNG: white text on a dark band near the bottom. Drawn with
 * sharp's text (Pango) from an explicit font file rather than ffmpeg's drawtext, which needs filter-graph
 * escaping for every `:` `'` `%` a shop writes, and finds fonts through fontconfig only.
 */
export async function renderCaption(text: string, size: FrameSize, font: CaptionFont): Promise<Buffer> {
  const { widthPx, heightPx } = size;
  const fontPx = Math.round(Math.min(widthPx, heightPx) * captionSizeRatio);
  const label = await sharp({
    text: {
      text: `<span foreground="#ffffff">${escapeMarkup(text)}</span>`, fontfile: font.file, font: `${font.family} ${fontPx}px`,
      width: Math.round(widthPx * 0.86), align: 'centre', rgba: true, wrap: 'word-char', dpi: 72,
    },
  }).png().toBuffer({ resolveWithObject: true });
  const padPx = Math.round(fontPx * 0.6);
  const bandW = Math.min(widthPx, label.info.width + padPx * 2);
  const bandH = label.info.height + padPx * 2;
  const band = await sharp({ create: { width: bandW, height: bandH, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0.5 } } })
    .composite([{ input: label.data, gravity: 'centre' }]).png().toBuffer();
  const top = Math.max(0, Math.round(heightPx * 0.86) - bandH);
  return sharp({ create: { width: widthPx, height: heightPx, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } })
    .composite([{ input: band, left: Math.round((widthPx - bandW) / 2), top }]).png().toBuffer();
}
