import { z } from 'zod';
import { Id } from '../schemas/ids.ts';
import { JobType } from '../schemas/job-type.ts';
import { Params } from '../schemas/params.ts';
import { RecipeRef } from '../schemas/recipe-ref.ts';

/** An input image as a worker sees it: a storage key, never a database id. */
export const TaskInput = z.strictObject({ key: z.string().min(1), mime: z.string() });
export type TaskInput = z.infer<typeof TaskInput>;

/**
 * What the manager enqueues and a render worker is allowed to trust (after parsing).
 * Workers never open the database, so everything a render needs is in here.
 */
export const RenderTask = z.strictObject({
  jobId: Id,
  taskId: Id,
  jobType: JobType,
  recipe: RecipeRef,
  /** Which backend renders it (from the recipe, or the one the API chose). */
  backend: z.string().min(1),
  /** Input name → stored object. */
  inputs: z.record(z.string(), TaskInput),
  /** Already checked against the recipe by the API, with defaults filled and the variant's own values. */
  params: Params,
  variantIndex: z.int().nonnegative(),
  /** Fixed at submit time, so a retry renders the same image. */
  seed: z.int().nonnegative(),
  /** A designer's trial run pins the ComfyUI server they chose (by its `COMFYUI_URLS` name); absent: any able server. */
  server: z.string().min(1).max(100).optional(),
});
export type RenderTask = z.infer<typeof RenderTask>;
