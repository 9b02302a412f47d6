import type { Recipe } from '@shotfarm/workflows';

/** Image roles a SKU's own photos fill: the product, or the garment of a model swap. */
const photoRoles = new Set(['product', 'garment']);

/**
 * Which of a recipe's inputs a SKU's photos fill (in order), and which required ones nothing fills: those must come as
 * fixed assets in the plan (a model-swap's person).
 */
export function photoInputsOf(recipe: Recipe, fixed: Readonly<Record<string, string>>): { photoInputs: string[]; missing: string[] } {
  const photoInputs = recipe.inputs.filter((i) => photoRoles.has(i.role) && fixed[i.name] === undefined).map((i) => i.name);
  const missing = recipe.inputs.filter((i) => i.required && !photoRoles.has(i.role) && fixed[i.name] === undefined).map((i) => i.name);
  return { photoInputs, missing };
}

/** A job's `inputs` for one SKU: its photos into the photo inputs, in order, then the plan's fixed assets. */
export function skuJobInputs(recipe: Recipe, photoAssetIds: readonly string[], fixed: Readonly<Record<string, string>>): Record<string, string> {
  const { photoInputs } = photoInputsOf(recipe, fixed);
  const inputs: Record<string, string> = { ...fixed };
  photoInputs.forEach((name, i) => { if (photoAssetIds[i] !== undefined) inputs[name] = photoAssetIds[i]!; });
  return inputs;
}
