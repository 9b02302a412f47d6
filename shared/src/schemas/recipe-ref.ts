import { z } from 'zod';

/** Recipe ids are `<job-type>/<name>`, e.g. `product-shot/studio-local`. */
export const RecipeId = z.string().regex(/^[a-z0-9-]+\/[a-z0-9-]+$/, 'expected <job-type>/<name> in lower-case kebab');
export type RecipeId = z.infer<typeof RecipeId>;

/** A recipe pinned to the version a job was compiled with, so a later edit never changes a running job. */
export const RecipeRef = z.strictObject({
  id: RecipeId,
  version: z.int().positive(),
});
export type RecipeRef = z.infer<typeof RecipeRef>;
