import type { Recipe } from '../define-recipe.ts';
import { loadRecipeManifests, shippedRecipesDir } from '../manifest/load-recipe-manifests.ts';
import { recipeFromManifest } from '../manifest/recipe-from-manifest.ts';
import { productShotStudioLocal } from './product-shot-studio-local.ts';
import { shortVideoSlideshowLocal } from './short-video-slideshow-local.ts';

export { productShotStudioLocal, ProductShotStudioParams } from './product-shot-studio-local.ts';
export {
  shortVideoSlideshowLocal, ShortVideoSlideshowParams, slideshowFrames, slideshowTransitions, maxSlideshowImages,
} from './short-video-slideshow-local.ts';

/** Builds the id → recipe map, refusing two recipes with one id (a JSON file shadowing a TypeScript recipe). */
function byId(list: readonly Recipe[]): ReadonlyMap<string, Recipe> {
  const map = new Map<string, Recipe>();
  for (const r of list) {
    if (map.has(r.id)) throw new Error(`two recipes have the id "${r.id}"`);
    map.set(r.id, r);
  }
  return map;
}

/**
 * The GPU recipes shipped as JSON under workflows/recipes/, published ones only: an imported `draft`
 * is validated (so a broken file still stops the boot) but not offered.
 */
export const manifestRecipes: readonly Recipe[] = loadRecipeManifests(shippedRecipesDir)
  .filter(({ manifest }) => manifest.status === 'published')
  .map(({ manifest }) => recipeFromManifest(manifest));

/** Every recipe, by id: a map, not a switch, so the API can list them. */
export const recipes: ReadonlyMap<string, Recipe> = byId([productShotStudioLocal as unknown as Recipe, shortVideoSlideshowLocal as unknown as Recipe, ...manifestRecipes]);
