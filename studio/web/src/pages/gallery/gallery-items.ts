import type { AssetList, AssetListQuery, ReviewVerdict, ScoreSummary } from '@shotfarm/shared';
import { listAssets } from '../../api/client.ts';

/** One generated image as the gallery shows it. `assetId` names it as reviews and scores do. */
export interface GalleryItem {
  assetId: string;
  jobId: string | null;
  /** `<id> v<version>` of the recipe that made it; empty when unknown. */
  recipe: string;
  /** The recipe's id alone, for its title and parameter words; null when unknown. */
  recipeId: string | null;
  url: string;
  thumbnailUrl: string | null;
  width: number;
  height: number;
  mime: string;
  params: Record<string, unknown>;
  /** Null until the scorer has reached it. */
  score: ScoreSummary | null;
  review: ReviewVerdict | null;
  createdAt: string;
}

/** What the toolbar chooses: the order and the filters, sent to the server (5,000 images are not sorted in the browser). */
export interface GalleryFilter {
  sort: NonNullable<AssetListQuery['sort']>;
  gate?: NonNullable<AssetListQuery['gate']>;
  review?: NonNullable<AssetListQuery['review']>;
  /** Gate profile the gate filter and the badges' order refer to. */
  profile: string;
  jobId?: string;
}

export const gallerySorts = ['newest', 'quality', 'ctr'] as const satisfies readonly GalleryFilter['sort'][];
export const galleryGateFilters = ['pass', 'fail', 'pending'] as const satisfies readonly NonNullable<GalleryFilter['gate']>[];
export const galleryReviewFilters = ['approve', 'reject', 'none'] as const satisfies readonly NonNullable<GalleryFilter['review']>[];
export const defaultGalleryProfile = 'taobao-main';

/** Reads the filter from the page URL, so a filtered gallery is a link a designer can send; unknown values are dropped. */
export function galleryFilterFromSearch(search: URLSearchParams): GalleryFilter {
  const pick = <T extends string>(key: string, allowed: readonly T[]): T | undefined => {
    const v = search.get(key);
    return v !== null && (allowed as readonly string[]).includes(v) ? (v as T) : undefined;
  };
  const gate = pick('gate', galleryGateFilters);
  const review = pick('review', galleryReviewFilters);
  const jobId = search.get('job');
  return {
    sort: pick('sort', gallerySorts) ?? 'newest', profile: search.get('profile') ?? defaultGalleryProfile,
    ...(gate ? { gate } : {}), ...(review ? { review } : {}), ...(jobId ? { jobId } : {}),
  };
}

/** Outputs per request: a few screens of thumbnails, small enough that the first paint is quick. */
export const galleryPageSize = 200;

/** One page of outputs in the filter's order (`GET /api/assets?kind=output`), as gallery items. */
export async function loadGalleryPage(filter: GalleryFilter, cursor: string | undefined, signal?: AbortSignal): Promise<{ items: GalleryItem[]; nextCursor: AssetList['nextCursor'] }> {
  const page = await listAssets({ kind: 'output', limit: galleryPageSize, ...filter, ...(cursor ? { cursor } : {}) }, signal);
  return {
    items: page.items.map((a) => ({
      assetId: a.id, jobId: a.jobId, recipe: a.recipe ? `${a.recipe.id} v${a.recipe.version}` : '', recipeId: a.recipe?.id ?? null, url: a.url, thumbnailUrl: a.thumbnailUrl, width: a.width, height: a.height,
      mime: a.mime, params: a.params ?? {}, score: a.score, review: a.review, createdAt: a.createdAt,
    })),
    nextCursor: page.nextCursor,
  };
}
