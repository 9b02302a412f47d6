import { z } from 'zod';
import { Id } from './ids.ts';
import { Params } from './params.ts';

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
