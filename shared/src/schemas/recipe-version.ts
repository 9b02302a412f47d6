import { z } from 'zod';
import { JobType } from './job-type.ts';
import { LocalisedText } from './localised.ts';
import { RecipeId, type RecipeRef } from './recipe-ref.ts';
import {
  ManifestEnumInput, ManifestImageInput, ManifestIntegerInput, ManifestNumberInput, ManifestSeedInput, ManifestTextInput,
  ModelRequirement, RecipeManifest,
} from './recipe-manifest.ts';
import { ComfyBindings } from './comfy-graph.ts';
import { Id } from './ids.ts';
import { Params } from './params.ts';

/**
 * Recipes as data (issue 13): each `recipe@version` is published once and never changes. The database holds who
 * published what and when (`recipe_versions`); object storage holds the manifest at {@link recipeVersionKey}, where a
 * render worker reads it by the version its task names, so a GPU host needs nothing new when a recipe is published.
 */

/** Where the manifest of `id@version` lies in object storage: the one path the API writes and workers read. */
export const recipeVersionKey = (ref: RecipeRef): string => `recipes/versions/${ref.id}/v${ref.version}.json`;

/** Where a draft's manifest lies while it is tried (content-addressed: the same draft tried twice is stored once). */
export const recipeTrialKey = (id: string, sha256: string): string => `recipes/trials/${id}/${sha256}.json`;

/** `published`: offered on Create. `deprecated`: hidden from Create and refused for new jobs; old jobs still view and re-run. */
export const RecipeVersionStatus = z.enum(['published', 'deprecated']);
export type RecipeVersionStatus = z.infer<typeof RecipeVersionStatus>;

/** One published version as `GET /api/recipes/:id/versions` lists it. */
export const RecipeVersionSummary = z.object({
  id: RecipeId,
  version: z.int().positive(),
  type: JobType,
  backend: z.string(),
  title: LocalisedText,
  status: RecipeVersionStatus,
  /** `shipped`: seeded from workflows/recipes at start-up; `import`: published from a draft in the studio. */
  source: z.enum(['shipped', 'import']),
  /** SHA-256 of the stored manifest bytes: the same hash on two farms is the same recipe. */
  manifestSha256: z.string(),
  publishedBy: z.string().nullable(),
  publishedAt: z.iso.datetime(),
  deprecatedAt: z.iso.datetime().nullable(),
});
export type RecipeVersionSummary = z.infer<typeof RecipeVersionSummary>;

export const RecipeVersionList = z.object({ items: z.array(RecipeVersionSummary) });

/** One version with its manifest, for the Recipes page and the diff. */
export const RecipeVersionDetail = RecipeVersionSummary.extend({ manifest: RecipeManifest });
export type RecipeVersionDetail = z.infer<typeof RecipeVersionDetail>;

/** A node of a draft's graph as the Recipes page lists it: id, class, title and which fields are bound to inputs. */
export const DraftNode = z.object({
  id: z.string(), classType: z.string(), title: z.string().nullable(),
  /** Widget fields (not links) the node has, with their values as imported. */
  fields: z.record(z.string(), z.unknown()),
});
export type DraftNode = z.infer<typeof DraftNode>;

/** An imported workflow a designer is finishing, as stored under `recipes/drafts/<id>.json`. */
export const RecipeDraft = z.object({
  id: z.string(),
  key: z.string(),
  source: z.enum(['api', 'ui', 'png', 'webp']),
  /** The name of the dropped file, without extension: the default title. */
  fileName: z.string().nullable().optional(),
  manifest: RecipeManifest,
  warnings: z.array(z.string()),
  createdBy: z.string().nullable().optional(),
  updatedAt: z.iso.datetime().optional(),
  /** The recipe@version this draft was published as, once it was. */
  published: z.object({ id: RecipeId, version: z.int().positive() }).nullable().optional(),
});
export type RecipeDraft = z.infer<typeof RecipeDraft>;

/** A draft as the page reads it: the stored draft plus its graph's nodes and whether it validates as it is. */
export const RecipeDraftView = RecipeDraft.extend({
  nodes: z.array(DraftNode),
  /** Empty when the manifest validates; otherwise each problem, naming the node or field. */
  issues: z.array(z.string()),
});
export type RecipeDraftView = z.infer<typeof RecipeDraftView>;

/** What a designer may change on a draft; the graph itself stays as imported. */
export const RecipeDraftUpdate = z.strictObject({
  /** The `<name>` of `<type>/<name>`; a new name makes a new recipe, the same name a new version of it. */
  recipeId: RecipeId.optional(),
  type: JobType.optional(),
  title: LocalisedText.optional(),
  description: LocalisedText.optional(),
  inputs: z.array(z.discriminatedUnion('kind', [
    ManifestImageInput, ManifestTextInput, ManifestSeedInput, ManifestIntegerInput, ManifestNumberInput, ManifestEnumInput,
  ])).max(200).optional(),
  bindings: ComfyBindings.optional(),
  outputs: z.strictObject({ kind: z.enum(['image', 'video']), count: z.int().positive().max(64) }).optional(),
  models: z.array(ModelRequirement).max(100).optional(),
  estimate: z.strictObject({ gpuSecondsPerRun: z.number().positive().max(86_400), referenceGpu: z.string().min(1).max(100) }).optional(),
});
export type RecipeDraftUpdate = z.infer<typeof RecipeDraftUpdate>;

/** `POST /api/recipes/drafts/:id/publish` answer. */
export const RecipePublished = z.object({ id: RecipeId, version: z.int().positive() });
export type RecipePublished = z.infer<typeof RecipePublished>;

/**
 * `POST /api/recipes/drafts/:id/trial`: run the draft once, as it is now, before publishing it. One variant; the
 * inputs and parameters are a job's; `server` pins one configured ComfyUI server (absent: any that can run it).
 */
export const RecipeTrialRequest = z.strictObject({
  inputs: z.record(z.string(), Id),
  params: Params.default({}),
  server: z.string().min(1).max(100).optional(),
});
export type RecipeTrialRequest = z.infer<typeof RecipeTrialRequest>;

/** What changed between two versions: parameters (inputs), bindings and models, each by name. */
export const RecipeVersionDiff = z.object({
  id: RecipeId,
  from: z.int().positive(),
  to: z.int().positive(),
  inputs: z.array(z.object({ name: z.string(), change: z.enum(['added', 'removed', 'changed']), before: z.unknown().optional(), after: z.unknown().optional() })),
  bindings: z.array(z.object({ name: z.string(), change: z.enum(['added', 'removed', 'changed']), before: z.unknown().optional(), after: z.unknown().optional() })),
  models: z.array(z.object({ name: z.string(), change: z.enum(['added', 'removed', 'changed']), before: z.unknown().optional(), after: z.unknown().optional() })),
  other: z.array(z.string()),
});
export type RecipeVersionDiff = z.infer<typeof RecipeVersionDiff>;

/** Per recipe and ComfyUI server: whether it can run there, and if not what is missing (node classes, model files). */
export const RecipeCapability = z.object({
  server: z.string(),
  /** null: the server did not answer, so nothing is known. */
  canRun: z.boolean().nullable(),
  missingNodeClasses: z.array(z.string()),
  missingModels: z.array(z.string()),
});
export type RecipeCapability = z.infer<typeof RecipeCapability>;
