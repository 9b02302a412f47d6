import sharp from 'sharp';
import { TaskError } from '@shotfarm/shared';
import type { MaskImage, WorkingCopy } from './types.ts';

/**
 * The analysis copy's longest side. At an 800 px main image one mask pixel is about one output pixel; larger
 * outputs get a softer mask edge, which the layer then re-judges against the background at full resolution.
 */
export const workingMaxSidePx = 512;
/** Alpha at or below this counts as transparent when deciding whether an alpha channel is meaningful. */
const transparentAlphaLevel = 16;
/** At least this fraction of transparent pixels makes an alpha channel meaningful (not a stray opaque PNG). */
export const minTransparentFraction = 0.005;

/** Decodes the photo (EXIF orientation applied) at no more than `maxSidePx` on its longest side. */
export async function readWorkingCopy(input: Buffer, maxSidePx = workingMaxSidePx): Promise<WorkingCopy> {
  try {
    const meta = await sharp(input, { failOn: 'error' }).metadata();
    const sourceWidthPx = meta.autoOrient.width;
    const sourceHeightPx = meta.autoOrient.height;
    const shrink = Math.min(1, maxSidePx / Math.max(sourceWidthPx, sourceHeightPx));
    const widthPx = Math.max(1, Math.round(sourceWidthPx * shrink));
    const heightPx = Math.max(1, Math.round(sourceHeightPx * shrink));
    let image = sharp(input, { autoOrient: true, failOn: 'error' }).resize(widthPx, heightPx, { fit: 'fill' });
    image = meta.hasAlpha ? image.ensureAlpha() : image.removeAlpha();
    const { data, info } = await image.toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
    if (info.width !== widthPx || info.height !== heightPx || (info.channels !== 3 && info.channels !== 4)) {
      throw new Error(`unexpected decode ${info.width}×${info.height}×${info.channels}`);
    }
    return { data, widthPx, heightPx, channels: info.channels, sourceWidthPx, sourceHeightPx };
  } catch (cause) {
    throw unreadable(cause);
  }
}

export function transparentFraction(img: WorkingCopy): number {
  const n = img.widthPx * img.heightPx;
  let transparent = 0;
  for (let i = 0; i < n; i++) if (img.data[i * 4 + 3]! <= transparentAlphaLevel) transparent++;
  return transparent / n;
}

export function extractAlpha(img: WorkingCopy): MaskImage {
  const n = img.widthPx * img.heightPx;
  const data = new Uint8Array(n);
  for (let i = 0; i < n; i++) data[i] = img.data[i * 4 + 3]!;
  return { data, widthPx: img.widthPx, heightPx: img.heightPx };
}


/** A decode failure as the task's error; a TaskError passes through. */
export function unreadable(cause: unknown): TaskError {
  if (cause instanceof TaskError) return cause;
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new TaskError('SF_RENDER_INPUT_UNREADABLE', `cannot read the product photo: ${reason}`, { cause });
}
