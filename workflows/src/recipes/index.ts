import type { Recipe } from '../define-recipe.ts';
import { productShotStudioLocal } from './product-shot-studio-local.ts';

export { productShotStudioLocal, ProductShotStudioParams } from './product-shot-studio-local.ts';

/** Every recipe, by id: a map, not a switch, so the API can list them. */
export const recipes: ReadonlyMap<string, Recipe> = new Map<string, Recipe>(
  [productShotStudioLocal as unknown as Recipe].map((r) => [r.id, r]),
);
