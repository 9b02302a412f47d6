import { createHash } from 'node:crypto';
import type { AssetMime, Params, RenderOutput, RenderTask } from '@shotfarm/shared';
import { makeThumbnail } from '@shotfarm/shared/images';
import { storageKeys, type Storage } from '@shotfarm/shared/storage';

const extensionOf: Record<AssetMime, 'jpg' | 'png' | 'webp' | 'mp4' | 'gif'> = {
  'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp', 'video/mp4': 'mp4', 'image/gif': 'gif',
};

export interface StoreImageOptions {
  task: Pick<RenderTask, 'jobId' | 'taskId'>;
  bytes: Buffer;
  mime: AssetMime;
  width: number;
  height: number;
  params: Params;
  /**
   * The still the thumbnail is made from. Required for a video (its bytes are no image); for an image
   * the image itself. @defaultValue `bytes`
   */
  poster?: Buffer;
}

/**
 * Store one rendered image (or video, with its poster) and its 256 px WebP thumbnail. The key is derived from the task and the
 * content hash, so a retried task that renders the same bytes overwrites the same object: no duplicate.
 */
export async function storeImageOutput(storage: Storage, opts: StoreImageOptions): Promise<RenderOutput> {
  const sha256 = createHash('sha256').update(opts.bytes).digest('hex');
  const key = storageKeys.output(opts.task, sha256, extensionOf[opts.mime]);
  const thumbKey = storageKeys.thumbnail(key);
  if (opts.mime.startsWith('video/') && !opts.poster) throw new TypeError(`Expected a poster for a ${opts.mime} output but received none`);
  const thumb = await makeThumbnail(opts.poster ?? opts.bytes);
  // Thumbnail first: an output whose key exists always has its thumbnail.
  await storage.put(thumbKey, thumb, { contentType: 'image/webp' });
  try {
    await storage.put(key, opts.bytes, { contentType: opts.mime });
  } catch (e) {
    // A thumbnail without its output belongs to no asset row: take it back (best effort; a retry rewrites the same key).
    await storage.delete(thumbKey).catch(() => undefined);
    throw e;
  }
  return { key, thumbKey, mime: opts.mime, width: opts.width, height: opts.height, bytes: opts.bytes.length, sha256, params: opts.params };
}
