import type { z } from 'zod';
import type { JobType, LocalisedText, Params, RecipeId, RecipeManifest } from '@shotfarm/shared';

export type BackendId = 'local' | 'comfyui' | 'replicate';
/** Text in both studio languages: the shared {@link LocalisedText}. */
export type Localised = LocalisedText;

/** An image a recipe takes, by name, with the role it plays (the studio shows the library filtered by role). */
export interface RecipeInput {
  name: string;
  role: 'product' | 'scene' | 'garment' | 'person';
  required: boolean;
  label: Localised;
}

/**
 * A parameter as a designer reads it: its label, an optional one-line help, and (for a choice) every value's
 * words, in both languages. The studio draws its forms from these, so no recipe name or value reaches the page raw.
 */
export interface ParamText {
  label: Localised;
  help?: Localised;
  options?: Readonly<Record<string, Localised>>;
}

/** One task's share of a job: its parameter values and fixed seed. */
export interface CompiledVariant {
  params: Params;
  seed: number;
}

/**
 * A recipe is data plus one compile step (like a Flamenco job type): what it needs, what it accepts,
 * and how a job becomes tasks. `params` is a strict zod object, so an unknown parameter is a 422.
 */
export interface Recipe<P extends z.ZodObject = z.ZodObject> {
  id: RecipeId;
  version: number;
  type: JobType;
  title: Localised;
  description: Localised;
  backend: BackendId;
  inputs: readonly RecipeInput[];
  params: P;
  /** Words for every key of `params` (and every value of its choices); a test holds each recipe to it. */
  paramText: Readonly<Record<string, ParamText>>;
  outputs: { kind: 'image' | 'video'; countPerTask: number };
  /** GPU-seconds (or CPU-seconds for `local`) per task on the reference machine, for estimates. */
  estimateSecondsPerTask: number;
  /**
   * False when any model the recipe runs forbids commercial use (from the manifest's licences), so the
   * studio can warn and a shop can refuse such recipes. Our own CPU code is always commercially usable.
   */
  commercialUse: boolean;
  /** The validated JSON a GPU recipe was built from: the graph and bindings or Replicate fields a backend runs. Absent for TypeScript recipes. */
  manifest?: RecipeManifest;
  compile(job: { params: z.output<P>; variants: number; seedBase: number }): CompiledVariant[];
}

export function defineRecipe<P extends z.ZodObject>(recipe: Recipe<P>): Recipe<P> {
  return recipe;
}

/** Seeds stay within 31 bits so every backend (ComfyUI, Replicate, ours) accepts them. */
export const seedFor = (seedBase: number, variantIndex: number): number => (seedBase + variantIndex * 7919) % 2 ** 31;

/** The usual compile step: one task per variant, each with the job's parameters and its own seed. */
export function oneTaskPerVariant(job: { params: Params; variants: number; seedBase: number }): CompiledVariant[] {
  return Array.from({ length: job.variants }, (_, i) => ({ params: { ...job.params }, seed: seedFor(job.seedBase, i) }));
}
