import { RecipeManifest } from '@shotfarm/shared';
import { describe, expect, it } from 'vitest';
import { seedFor } from '../define-recipe.ts';
import { recipeFromManifest } from './recipe-from-manifest.ts';

const label = { 'zh-CN': '标签', en: 'Label' };
const manifest = RecipeManifest.parse({
  id: 'model-swap/tiny', version: 3, type: 'model-swap', status: 'published', title: label, description: label, backend: 'comfyui',
  inputs: [
    { name: 'garment', kind: 'image', role: 'garment', required: true, label },
    { name: 'person', kind: 'image', role: 'person', required: false, label },
    { name: 'prompt', kind: 'text', default: 'a shirt', label },
    { name: 'seed', kind: 'seed', label },
    { name: 'steps', kind: 'integer', min: 1, max: 60, default: 20, label },
    { name: 'cfg', kind: 'number', min: 1, max: 10, label },
    { name: 'sampler', kind: 'enum', options: ['euler', 'dpmpp_2m'], default: 'euler', label },
  ],
  outputs: { kind: 'image', count: 2 },
  requirements: { nodeClasses: ['LoadImage', 'KSampler', 'SaveImage'], models: [] },
  commercialUse: true,
  estimate: { gpuSecondsPerRun: 35, referenceGpu: 'NVIDIA RTX 4090 24GB' },
  comfyui: {
    graph: {
      '1': { class_type: 'LoadImage', inputs: { image: 'x.png' } },
      '2': { class_type: 'KSampler', inputs: { seed: 0, steps: 20, cfg: 4, sampler_name: 'euler', positive: 'p', latent_image: ['1', 0] } },
      '3': { class_type: 'SaveImage', inputs: { images: ['2', 0] } },
    },
    bindings: {
      garment: [{ node: '1', field: 'image' }], seed: [{ node: '2', field: 'seed' }], steps: [{ node: '2', field: 'steps' }],
      cfg: [{ node: '2', field: 'cfg' }], sampler: [{ node: '2', field: 'sampler_name' }], prompt: [{ node: '2', field: 'positive' }],
    },
  },
});

describe('recipeFromManifest', () => {
  const recipe = recipeFromManifest(manifest);

  it('copies the identity, outputs, estimate and licence, and keeps the manifest', () => {
    expect(recipe).toMatchObject({
      id: 'model-swap/tiny', version: 3, type: 'model-swap', backend: 'comfyui', commercialUse: true,
      outputs: { kind: 'image', countPerTask: 2 }, estimateSecondsPerTask: 35,
    });
    expect(recipe.manifest).toBe(manifest);
  });

  it('turns image inputs into recipe inputs', () => {
    expect(recipe.inputs).toEqual([
      { name: 'garment', role: 'garment', required: true, label },
      { name: 'person', role: 'person', required: false, label },
    ]);
  });

  it('makes a strict params object with defaults and bounds, and no seed', () => {
    expect(recipe.params.parse({ cfg: 4 })).toEqual({ prompt: 'a shirt', steps: 20, cfg: 4, sampler: 'euler' });
    expect(recipe.params.safeParse({}).success).toBe(false); // cfg has no default
    expect(recipe.params.safeParse({ cfg: 4, steps: 61 }).success).toBe(false);
    expect(recipe.params.safeParse({ cfg: 4, steps: 2.5 }).success).toBe(false);
    expect(recipe.params.safeParse({ cfg: 0.5 }).success).toBe(false);
    expect(recipe.params.safeParse({ cfg: 4, sampler: 'ddim' }).success).toBe(false);
    expect(recipe.params.safeParse({ cfg: 4, prompt: 'x'.repeat(4001) }).success).toBe(false);
    expect(recipe.params.safeParse({ cfg: 4, seed: 1 }).success).toBe(false);
  });

  it('compiles one variant per requested variant with seedFor seeds', () => {
    const params = recipe.params.parse({ cfg: 4 });
    const variants = recipe.compile({ params, variants: 3, seedBase: 1000 });
    expect(variants).toEqual([0, 1, 2].map((i) => ({ params, seed: seedFor(1000, i) })));
    expect(new Set(variants.map((v) => v.seed)).size).toBe(3);
  });
});
