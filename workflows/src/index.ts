export { defineRecipe, seedFor, type Recipe, type RecipeInput, type CompiledVariant, type BackendId, type Localised, type ParamText } from './define-recipe.ts';
export { missingParamText, choicesOf } from './recipe-text.ts';
export { recipes, manifestRecipes, productShotStudioLocal, ProductShotStudioParams } from './recipes/index.ts';
export {
  shortVideoSlideshowLocal, ShortVideoSlideshowParams, slideshowFrames, slideshowTransitions, maxSlideshowImages,
} from './recipes/index.ts';
export { bindComfyGraph, type ComfyBindingValue } from './comfyui/bind-graph.ts';
export {
  recipeFromManifest, manifestParams, loadRecipeManifests, shippedRecipesDir, RecipeManifestError, type LoadedRecipeManifest,
  applyDraftUpdate, diffManifests, draftNodes, manifestIssues,
} from './manifest/index.ts';
