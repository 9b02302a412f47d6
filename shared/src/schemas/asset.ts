import { z } from 'zod';
import { Id } from './ids.ts';
import { Params } from './params.ts';
import { RecipeRef } from './recipe-ref.ts';

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

/** `GET /api/assets` filters. Strict: a misspelt filter is an error, not a silently unfiltered list. */
export const AssetListQuery = z.strictObject({
  kind: AssetKind.optional(),
  /** Only the outputs of this job. */
  jobId: Id.optional(),
  /** The `nextCursor` of the previous page. */
  cursor: Id.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type AssetListQuery = z.infer<typeof AssetListQuery>;

/** An asset as the library lists it: with the recipe that made it, for the gallery's hover; null for uploads. */
export const AssetListItem = AssetView.extend({ recipe: RecipeRef.nullable() });
export type AssetListItem = z.infer<typeof AssetListItem>;

/** One page of assets, newest first; `nextCursor` is null on the last page. */
export const AssetList = z.object({ items: z.array(AssetListItem), nextCursor: Id.nullable() });
export type AssetList = z.infer<typeof AssetList>;
