import type { AssetList } from '@shotfarm/shared';
import { listAssets } from '../../api/client.ts';

/** One generated image as the gallery shows it. `assetId` names it as reviews and scores do. */
export interface GalleryItem {
  assetId: string;
  jobId: string | null;
  /** `<id> v<version>` of the recipe that made it; empty when unknown. */
  recipe: string;
  url: string;
  thumbnailUrl: string | null;
  width: number;
  height: number;
  mime: string;
  params: Record<string, unknown>;
  createdAt: string;
}

/** Outputs per request: a few screens of thumbnails, small enough that the first paint is quick. */
export const galleryPageSize = 200;

/** One page of outputs, newest first (`GET /api/assets?kind=output`), as gallery items. */
export async function loadGalleryPage(cursor: string | undefined, signal?: AbortSignal): Promise<{ items: GalleryItem[]; nextCursor: AssetList['nextCursor'] }> {
  const page = await listAssets({ kind: 'output', limit: galleryPageSize, ...(cursor ? { cursor } : {}) }, signal);
  return {
    items: page.items.map((a) => ({
      assetId: a.id, jobId: a.jobId, recipe: a.recipe ? `${a.recipe.id} v${a.recipe.version}` : '', url: a.url, thumbnailUrl: a.thumbnailUrl, width: a.width, height: a.height,
      mime: a.mime, params: a.params ?? {}, createdAt: a.createdAt,
    })),
    nextCursor: page.nextCursor,
  };
}
