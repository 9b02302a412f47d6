import type { FastifyBaseLogger } from 'fastify';
import type { Recipe } from '@shotfarm/workflows';
import { withTimeout } from '../operations/dependency-monitor.ts';
import type { RecipeCapabilities } from '../recipes/recipe-capabilities.ts';

/**
 * Why no configured ComfyUI server can run a recipe: every server that answered lacks some of its node classes or
 * model files. Undefined when one can, when its recipe has no ComfyUI manifest, or when no server answered in time
 * (advisory: an unreadable inventory never holds a request; the render pool still refuses an unable server).
 */
export function comfyUnableOn(capabilities: RecipeCapabilities, log: Pick<FastifyBaseLogger, 'warn'>): (recipe: Recipe) => Promise<string | undefined> {
  return async (recipe) => {
    if (recipe.manifest?.backend !== 'comfyui') return undefined;
    const per = await withTimeout(capabilities.of(recipe.manifest), 1000, 'the ComfyUI servers\' inventories')
      .catch((err: unknown) => { log.warn({ err }, 'reading ComfyUI inventories failed: routing without them'); return []; });
    const answered = per.filter((c) => c.canRun !== null);
    if (answered.length === 0 || answered.some((c) => c.canRun)) return undefined;
    return `no ComfyUI server has what it needs (${answered.map((c) => `${c.server} lacks ${[...c.missingNodeClasses, ...c.missingModels].join(', ')}`).join('; ')})`;
  };
}
