import { z } from 'zod';

/** Recipe ids are `<job-type>/<name>`, e.g. `product-shot/studio-local`. */
export const RecipeId = z.string().regex(/^[a-z0-9-]+\/[a-z0-9-]+$/, 'expected <job-type>/<name> in lower-case kebab');
export type RecipeId = z.infer<typeof RecipeId>;

/** The SHA-256 (hex) of a draft manifest's stored bytes: names one trial snapshot of a draft, whatever happens to the draft later. */
export const ManifestSha256 = z.string().regex(/^[0-9a-f]{64}$/, 'expected a 64-hex SHA-256');

/**
 * A recipe pinned to the version a job was compiled with, so a later edit never changes a running job.
 * A designer's trial run of an unpublished draft (issue 13) has `version` 0 and names the draft's snapshot in `trial`:
 * its manifest lies at `recipeTrialKey`, immutable, so a retried trial task renders what the first attempt did.
 */
export const RecipeRef = z.strictObject({
  id: RecipeId,
  version: z.int().nonnegative(),
  trial: ManifestSha256.optional(),
});
export type RecipeRef = z.infer<typeof RecipeRef>;
