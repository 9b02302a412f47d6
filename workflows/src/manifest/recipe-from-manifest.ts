import type { Params, RecipeManifest } from '@shotfarm/shared';
import { oneTaskPerVariant, type ParamText, type Recipe, type RecipeInput } from '../define-recipe.ts';
import { manifestParams } from './manifest-params.ts';

/**
 * Turns a validated GPU recipe manifest into the runtime {@link Recipe} the API and workers share.
 * The manifest travels along (`recipe.manifest`), since the backends need its graph or Replicate fields.
 */
export function recipeFromManifest(manifest: RecipeManifest): Recipe {
  const inputs: RecipeInput[] = manifest.inputs.flatMap((i) =>
    i.kind === 'image' ? [{ name: i.name, role: i.role, required: i.required, label: i.label }] : []);
  const paramText: Record<string, ParamText> = Object.fromEntries(manifest.inputs.flatMap((i) => {
    if (i.kind === 'image' || i.kind === 'seed') return [];
    const text: ParamText = { label: i.label, ...(i.help ? { help: i.help } : {}), ...(i.kind === 'enum' && i.optionLabels ? { options: i.optionLabels } : {}) };
    return [[i.name, text]];
  }));
  return {
    id: manifest.id,
    version: manifest.version,
    type: manifest.type,
    title: manifest.title,
    description: manifest.description,
    backend: manifest.backend,
    inputs,
    params: manifestParams(manifest.inputs),
    paramText,
    outputs: { kind: manifest.outputs.kind, countPerTask: manifest.outputs.count },
    estimateSecondsPerTask: manifest.estimate.gpuSecondsPerRun,
    commercialUse: manifest.commercialUse,
    manifest,
    // Every manifest parameter is a string or a number (see manifestParams), so the parsed object is plain JSON.
    compile: ({ params, variants, seedBase }) => oneTaskPerVariant({ params: params as Params, variants, seedBase }),
  };
}
