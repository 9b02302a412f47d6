import { describe, expect, it } from 'vitest';
import { loadConfig } from '@shotfarm/shared/config';
import { shippedPriceBook } from '@shotfarm/shared/costs';
import { recipeFromManifest, type Recipe } from '@shotfarm/workflows';
import { ComfyUIDouble } from '../../../../../render-worker/test/comfyui-double/index.ts';
import { testRecipe } from '../../../../../render-worker/test/comfyui-double/test-recipe.ts';
import { pricingFrom } from '../recipes/recipe-estimate.ts';
import { RecipeCapabilities } from '../recipes/recipe-capabilities.ts';
import { BackendRouter } from './backend-router.ts';
import { comfyUnableOn } from './comfy-unable.ts';
import type { RecipeTimings } from './recipe-timings.ts';

/**
 * `backend: "auto"` never routes to a recipe that no ComfyUI server can run (issue 13): two interchangeable ComfyUI
 * recipes, the cheaper one needing a checkpoint no server has. No database: timings are "nothing measured yet".
 */
const cheap = recipeFromManifest({ ...testRecipe({ id: 'model-swap/cheap', ckpt: 'missing.safetensors' }).manifest, estimate: { gpuSecondsPerRun: 1, referenceGpu: 'x' } });
const dear = recipeFromManifest({ ...testRecipe({ id: 'model-swap/dear' }).manifest, estimate: { gpuSecondsPerRun: 30, referenceGpu: 'x' } });
const config = loadConfig({ RENDER_BACKENDS: 'local,comfyui', COMFYUI_URLS: 'http://gpu.invalid:8188;name=gpu' });
const timings = { medianSeconds: async () => null, gateHistory: async () => new Map() } as unknown as RecipeTimings;
const request = { type: 'model-swap' as const, inputs: { garment: '00000000-0000-4000-8000-000000000000' }, params: {}, backend: 'auto' };

function routerWith(comfyUnable?: (r: Recipe) => Promise<string | undefined>): BackendRouter {
  return new BackendRouter({
    recipes: new Map([[cheap.id, cheap], [dear.id, dear]]), config, timings,
    pricing: () => pricingFrom(shippedPriceBook(), config),
    comfyHealth: async () => [{ name: 'gpu', state: 'up' } as never],
    ...(comfyUnable ? { comfyUnable } : {}),
  });
}

describe('BackendRouter and ComfyUI capabilities', () => {
  it('takes the cheaper recipe when every server can run both', async () => {
    const routed = await routerWith(async () => undefined).route(request, dear);
    expect(routed.recipe.id).toBe(cheap.id);
  });

  it('passes over a recipe no server has the models for, and records why', async () => {
    const routed = await routerWith(async (r) => (r.id === cheap.id ? 'no ComfyUI server has what it needs (gpu lacks checkpoints/missing.safetensors)' : undefined)).route(request, dear);
    expect(routed.recipe.id).toBe(dear.id);
    expect(routed.decision.candidates).toEqual(expect.arrayContaining([
      expect.objectContaining({ recipe: cheap.id, excluded: expect.stringMatching(/missing\.safetensors/) as string }),
    ]));
  });

  it('reads what the servers really have: a ComfyUI server without the cheap recipe\'s checkpoint', async () => {
    const gpu = await ComfyUIDouble.start({ models: { checkpoints: ['sdxl.safetensors'] } });
    try {
      const capabilities = new RecipeCapabilities([{ url: gpu.url, name: 'gpu', gpu: undefined, fenPerHour: 0 }]);
      const unable = comfyUnableOn(capabilities, { warn: () => undefined });
      expect(await unable(dear)).toBeUndefined();
      expect(await unable(cheap)).toBe('no ComfyUI server has what it needs (gpu lacks checkpoints/missing.safetensors)');
      expect((await routerWith(unable).route(request, dear)).recipe.id).toBe(dear.id);
    } finally {
      await gpu.close();
    }
  });
});
