import { z } from 'zod';

/** Base64 of a preview is kept under this (≈ 96 KB of JPEG): ComfyUI previews are ≤ 512 px, and it rides Redis and SSE. */
export const maxPreviewBase64Chars = 131_072;

/** A live preview of an unfinished render (ComfyUI sampler previews), shown until the real output arrives. */
export const RenderPreview = z.strictObject({
  mime: z.enum(['image/jpeg', 'image/png']),
  base64: z.string().max(maxPreviewBase64Chars),
});
export type RenderPreview = z.infer<typeof RenderPreview>;

/** What a worker passes to `job.updateProgress`; travels via QueueEvents to the manager, then SSE. */
export const RenderProgress = z.strictObject({
  fraction: z.number().min(0).max(1),
  stage: z.string().max(64),
  /** Optional; only backends that have previews send it, and not on every update. */
  preview: RenderPreview.optional(),
});
export type RenderProgress = z.infer<typeof RenderProgress>;
