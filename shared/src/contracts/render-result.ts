import { z } from 'zod';
import { AssetMime } from '../schemas/asset.ts';
import { Params } from '../schemas/params.ts';
import { RenderUsage } from '../schemas/render-usage.ts';

/** One stored output of a task. Keys are derived from task + content, so a retry reports the same keys. */
export const RenderOutput = z.strictObject({
  key: z.string(),
  thumbKey: z.string(),
  mime: AssetMime,
  width: z.int().positive(),
  height: z.int().positive(),
  bytes: z.int().positive(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** The parameter values that made this output (the task's, plus anything the backend chose). */
  params: Params,
});
export type RenderOutput = z.infer<typeof RenderOutput>;

/** What a render worker reports back through BullMQ when a task succeeds. */
export const RenderResult = z.strictObject({
  outputs: z.array(RenderOutput).min(1),
  backend: z.string(),
  /** Wall time of the render on the worker, for the cost ledger and the farm page. */
  renderMs: z.int().nonnegative(),
  worker: z.string(),
  /** Absent for backends that rent nothing (local). */
  usage: RenderUsage.optional(),
});
export type RenderResult = z.infer<typeof RenderResult>;
