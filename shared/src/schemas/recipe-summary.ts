import { z } from 'zod';
import { JobType } from './job-type.ts';
import { LocalisedText } from './localised.ts';

/** Why a recipe cannot run on this farm, each fixed by an administrator's setting (the studio words them). */
export const UnavailableReason = z.enum(['backend-not-enabled', 'no-comfyui-servers', 'no-replicate-token']);
export type UnavailableReason = z.infer<typeof UnavailableReason>;

/** A parameter's words: its label, help and the words of each of its choices. */
export const ParamTextView = z.object({ label: LocalisedText, help: LocalisedText.optional(), options: z.record(z.string(), LocalisedText).optional() });
export type ParamTextView = z.infer<typeof ParamTextView>;

/** One recipe as `GET /api/recipes` lists it. */
export const RecipeSummary = z.object({
  id: z.string(), version: z.int(), type: JobType, title: LocalisedText, description: LocalisedText, backend: z.string(),
  available: z.boolean(),
  /** Empty when available; otherwise every setting missing for the recipe to run (RENDER_BACKENDS, COMFYUI_URLS, REPLICATE_API_TOKEN). */
  unavailableReasons: z.array(UnavailableReason),
  /** Each parameter's label, help and choice words in both languages, from the recipe. */
  paramText: z.record(z.string(), ParamTextView),
  /** False when a model the recipe runs forbids commercial use (its licence), so the studio can warn. */
  commercialUse: z.boolean(),
  inputs: z.array(z.object({ name: z.string(), role: z.string(), required: z.boolean(), label: LocalisedText })),
  /** JSON Schema of the parameters, for generated forms. */
  params: z.record(z.string(), z.unknown()),
  estimateSecondsPerTask: z.number(),
  /** Compute per image from the price book (COMFYUI_URLS / REPLICATE_FEN_PER_HOUR overriding), integer milli-fen (¥0.00001); null is no longer returned (kept nullable for clients). */
  estimateMilliFenPerImage: z.int().nonnegative().nullable(),
  /** An output of the recipe's newest succeeded job on this farm; null until it has run once. */
  sample: z.object({ url: z.string(), thumbnailUrl: z.string().nullable() }).nullable(),
});
export type RecipeSummary = z.infer<typeof RecipeSummary>;
