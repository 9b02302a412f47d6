import sharp from 'sharp';

/** Longest side of every thumbnail, uploads and outputs alike. */
export const thumbnailSizePx = 256;

/** The 256 px WebP the gallery shows; never enlarged. */
export async function makeThumbnail(image: Buffer): Promise<Buffer> {
  return sharp(image)
    .resize(thumbnailSizePx, thumbnailSizePx, { fit: 'inside', withoutEnlargement: true })
    .webp({ quality: 78 })
    .toBuffer();
}
