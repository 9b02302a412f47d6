import { TaskError, type RenderTask, type ReplicateRecipeBlock } from '@shotfarm/shared';
import type { Recipe } from '@shotfarm/workflows';

export interface ReplicateRecipe {
  block: ReplicateRecipeBlock;
  /** Input names of kind `seed`: the farm fills them with the task's seed. */
  seedInputs: ReadonlySet<string>;
  outputKind: 'image' | 'video';
}

/**
 * The recipe's Replicate block, or SF_RENDER_REPLICATE_RECIPE_INVALID. The manifest was validated when
 * the recipe loaded; a task only names a recipe by id, so the block may still be missing here.
 */
export function replicateRecipeOf(recipe: Pick<Recipe, 'id' | 'manifest'> & { outputs?: Recipe['outputs'] }): ReplicateRecipe {
  const block = recipe.manifest?.replicate;
  if (!block) throw new TaskError('SF_RENDER_REPLICATE_RECIPE_INVALID', `recipe ${recipe.id} has no manifest.replicate block`);
  const seeds = (recipe.manifest?.inputs ?? []).filter((i) => i.kind === 'seed').map((i) => i.name);
  return { block, seedInputs: new Set(seeds.length > 0 ? seeds : ['seed']), outputKind: recipe.outputs?.kind ?? recipe.manifest!.outputs.kind };
}

/**
 * Builds the model input from the task: `fixedInput` first, then each mapped field. Images arrive as
 * URLs the caller already uploaded. Parameters without a value are omitted, never sent as `null`:
 * Cog refuses an explicit null for an optional input (protocol §2.8).
 */
export function buildModelInput(recipe: ReplicateRecipe, task: RenderTask, imageUrls: ReadonlyMap<string, string>): Record<string, unknown> {
  const input: Record<string, unknown> = { ...recipe.block.fixedInput };
  for (const [name, field] of Object.entries(recipe.block.fields)) {
    const value = recipe.seedInputs.has(name) ? task.seed : imageUrls.get(name) ?? task.params[name];
    if (value !== undefined && value !== null) input[field] = value;
  }
  return input;
}

/** Names of the mapped inputs the task holds as images (the rest are parameters or the seed). */
export function imageInputsOf(recipe: ReplicateRecipe, task: RenderTask): string[] {
  return Object.keys(recipe.block.fields).filter((name) => task.inputs[name] !== undefined);
}
