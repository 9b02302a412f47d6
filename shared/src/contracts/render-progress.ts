import { z } from 'zod';

/** What a worker passes to `job.updateProgress`; travels via QueueEvents to the manager, then SSE. */
export const RenderProgress = z.strictObject({
  fraction: z.number().min(0).max(1),
  stage: z.string().max(64),
});
export type RenderProgress = z.infer<typeof RenderProgress>;
