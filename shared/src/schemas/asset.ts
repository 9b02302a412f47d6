import { z } from 'zod';
import { Id } from './ids.ts';
import { Params } from './params.ts';
import { RecipeRef } from './recipe-ref.ts';
import { ReviewVerdict, ScoreSummary } from './score.ts';

/** `upload`: a photo a person gave us; `output`: something a render task made. */
export const AssetKind = z.enum(['upload', 'output']);
export type AssetKind = z.infer<typeof AssetKind>;

export const ImageMime = z.enum(['image/jpeg', 'image/png', 'image/webp']);
export type ImageMime = z.infer<typeof ImageMime>;
export const AssetMime = z.enum(['image/jpeg', 'image/png', 'image/webp', 'video/mp4', 'image/gif']);
export type AssetMime = z.infer<typeof AssetMime>;

/** One stored image or video and what we know about it. */
export const Asset = z.object({
  id: Id,
  kind: AssetKind,
  mime: AssetMime,
  width: z.int().positive(),
  height: z.int().positive(),
  bytes: z.int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** Storage key of the bytes (see `storageKeys`). */
  key: z.string(),
  /** Storage key of the 256 px WebP thumbnail. */
  thumbKey: z.string().nullable(),
  jobId: Id.nullable(),
  taskId: Id.nullable(),
  /** The parameters that made an output; null for uploads. */
  params: Params.nullable(),
  createdAt: z.iso.datetime(),
});
export type Asset = z.infer<typeof Asset>;

/** What the API answers for an asset: the row plus signed URLs. */
export const AssetView = z.object({
  id: Id,
  kind: AssetKind,
  mime: AssetMime,
  width: z.int(),
  height: z.int(),
  bytes: z.int(),
  url: z.string(),
  thumbnailUrl: z.string().nullable(),
  jobId: Id.nullable(),
  params: Params.nullable(),
  createdAt: z.iso.datetime(),
});
export type AssetView = z.infer<typeof AssetView>;

/** Orders of the library: newest first, or best first by the latest score (unscored images last). */
export const AssetSort = z.enum(['newest', 'quality', 'ctr']);
export type AssetSort = z.infer<typeof AssetSort>;

/**
 * Where the next page starts: the last item's id when newest first; `<score>_<id>` when sorted by a score,
 * because ids alone do not say where a score order stopped. Opaque to clients: they send back `nextCursor`.
 */
export const AssetCursor = z.string().regex(/^(-?\d+(\.\d+)?(e-?\d+)?_)?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, 'expected the nextCursor of the previous page');
export type AssetCursor = z.infer<typeof AssetCursor>;

/** `GET /api/assets` filters. Strict: a misspelt filter is an error, not a silently unfiltered list. */
export const AssetListQuery = z.strictObject({
  kind: AssetKind.optional(),
  /** Only the outputs of this job. */
  jobId: Id.optional(),
  sort: AssetSort.default('newest'),
  /** Only images that passed (`pass`) or failed (`fail`) the marketplace gate `profile`, or are not scored yet (`pending`). */
  gate: z.enum(['pass', 'fail', 'pending']).optional(),
  profile: z.string().regex(/^[a-z0-9-]+$/).default('taobao-main'),
  /** Only images whose latest review is this verdict, or that nobody reviewed (`none`). */
  review: z.enum(['approve', 'reject', 'none']).optional(),
  /** The `nextCursor` of the previous page, with the same sort. */
  cursor: AssetCursor.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type AssetListQuery = z.infer<typeof AssetListQuery>;

/**
 * An asset as the library lists it: with the recipe that made it (for the gallery's hover; null for uploads),
 * its latest score (null until scored) and its latest review (null until reviewed).
 */
export const AssetListItem = AssetView.extend({
  recipe: RecipeRef.nullable(),
  score: ScoreSummary.nullable(),
  review: ReviewVerdict.nullable(),
});
export type AssetListItem = z.infer<typeof AssetListItem>;

/** One page of assets in the asked order; `nextCursor` is null on the last page. */
export const AssetList = z.object({ items: z.array(AssetListItem), nextCursor: AssetCursor.nullable() });
export type AssetList = z.infer<typeof AssetList>;
