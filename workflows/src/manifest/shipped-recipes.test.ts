import { ComfyApiGraph, JobType, validateComfyGraph, type RecipeManifest, type RecipeManifestInput } from '@shotfarm/shared';
import { describe, expect, it } from 'vitest';
import { bindComfyGraph, type ComfyBindingValue } from '../comfyui/bind-graph.ts';
import { recipes } from '../recipes/index.ts';
import { loadRecipeManifests, shippedRecipesDir } from './load-recipe-manifests.ts';

/** Throws (failing the file) if any shipped recipe is invalid: the loader names the broken file. */
const shipped = loadRecipeManifests(shippedRecipesDir).map((l) => l.manifest);

/** A value of the right kind for an input, as the farm would send it. */
function sampleValue(input: RecipeManifestInput): ComfyBindingValue {
  switch (input.kind) {
    case 'image': return `shotfarm/sample-${input.name}.png`;
    case 'seed': return 123_456_789;
    case 'text': return input.default ?? 'a sample prompt';
    case 'integer': case 'number': return input.default ?? input.min ?? 1;
    case 'enum': return input.default ?? input.options[0] ?? '';
  }
}

const count = (pred: (m: RecipeManifest) => boolean): number => shipped.filter(pred).length;

describe('shipped recipe manifests', () => {
  it('include the recipes the GPU backends promise', () => {
    expect(count((m) => m.backend === 'comfyui' && m.type === 'model-swap' && m.commercialUse)).toBeGreaterThanOrEqual(1);
    expect(count((m) => m.backend === 'comfyui' && m.type === 'product-shot')).toBeGreaterThanOrEqual(2);
    expect(count((m) => m.backend === 'comfyui' && m.type === 'short-video')).toBeGreaterThanOrEqual(1);
    for (const type of JobType.options) expect(count((m) => m.backend === 'replicate' && m.type === type), type).toBeGreaterThanOrEqual(1);
  });

  it.each(shipped.filter((m) => m.comfyui).map((m) => [m.id, m] as const))('%s binds into a graph that still validates', (_, m) => {
    const { graph, bindings } = m.comfyui!;
    const values = Object.fromEntries(m.inputs.filter((i) => bindings[i.name]).map((i) => [i.name, sampleValue(i)]));
    const bound = ComfyApiGraph.parse(bindComfyGraph(graph, bindings, values));
    expect(validateComfyGraph(bound)).toEqual([]);
    for (const [name, refs] of Object.entries(bindings)) {
      for (const ref of refs) expect(bound[ref.node]?.inputs[ref.field], `${name} → ${ref.node}.${ref.field}`).toEqual(values[name]);
    }
  });

  it.each(shipped.filter((m) => m.replicate).map((m) => [m.id, m] as const))('%s maps every wired input to a field', (_, m) => {
    const { fields } = m.replicate!;
    for (const input of m.inputs.filter((i) => i.kind !== 'seed' && (i.kind !== 'image' || i.required))) expect(fields[input.name], input.name).toBeTruthy();
  });

  it('are all offered in the recipes map when published, next to the local recipe', () => {
    expect(recipes.get('product-shot/studio-local')?.commercialUse).toBe(true);
    for (const m of shipped) {
      const recipe = recipes.get(m.id);
      if (m.status === 'draft') expect(recipe, m.id).toBeUndefined();
      else expect(recipe?.manifest, m.id).toEqual(m);
    }
  });
});
