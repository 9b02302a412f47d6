import { createHash } from 'node:crypto';
import sharp, { type Metadata } from 'sharp';
import type { ImageMime } from '@shotfarm/shared';
import { UploadCorruptError, UploadNotImageError, UploadTooManyPixelsError } from '../errors.ts';
import { sniffImage } from './image-sniff.ts';

export interface IngestLimits {
  maxPixels: number;
}

/** An upload made ready to store: upright, sRGB, in a web format. */
export interface IngestedImage {
  bytes: Buffer;
  mime: ImageMime;
  ext: 'jpg' | 'png' | 'webp';
  width: number;
  height: number;
  sha256: string;
}

/**
 * Check and normalise an uploaded image. Order matters: the type is sniffed from the bytes, then the
 * header's pixel count is checked before any decoding (a 30000×30000 PNG bomb is a few KB on disk and
 * gigabytes in memory), then the image is decoded strictly (a truncated file is refused).
 */
export async function ingestUpload(input: Buffer, limits: IngestLimits): Promise<IngestedImage> {
  const format = sniffImage(input);
  if (!format) throw new UploadNotImageError('expected JPEG, PNG, WebP, GIF, TIFF, AVIF or HEIF');
  let meta: Metadata;
  try {
    meta = await sharp(input, { limitInputPixels: false }).metadata();
  } catch (e) {
    throw new UploadCorruptError(e instanceof Error ? e.message : String(e));
  }
  const width = meta.width ?? 0;
  const height = meta.height ?? 0;
  if (width * height > limits.maxPixels) throw new UploadTooManyPixelsError(width, height, limits.maxPixels);
  if (width === 0 || height === 0) throw new UploadCorruptError('the header declares no size');

  // Keep the kind of encoding the photographer chose; formats browsers handle poorly become PNG.
  const out: { mime: ImageMime; ext: IngestedImage['ext'] } =
    format === 'jpeg' ? { mime: 'image/jpeg', ext: 'jpg' } : format === 'webp' ? { mime: 'image/webp', ext: 'webp' } : { mime: 'image/png', ext: 'png' };
  try {
    // rotate() applies EXIF orientation; sharp converts embedded ICC profiles to sRGB on output and strips metadata.
    let pipeline = sharp(input, { limitInputPixels: limits.maxPixels, failOn: 'truncated', pages: 1 }).rotate().toColourspace('srgb');
    pipeline = out.mime === 'image/jpeg' ? pipeline.jpeg({ quality: 92, chromaSubsampling: '4:4:4' })
      : out.mime === 'image/webp' ? pipeline.webp({ quality: 92 }) : pipeline.png();
    const { data, info } = await pipeline.toBuffer({ resolveWithObject: true });
    return { bytes: data, mime: out.mime, ext: out.ext, width: info.width, height: info.height, sha256: createHash('sha256').update(data).digest('hex') };
  } catch (e) {
    throw new UploadCorruptError(e instanceof Error ? e.message : String(e));
  }
}
