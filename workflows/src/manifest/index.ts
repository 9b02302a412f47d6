export { recipeFromManifest } from './recipe-from-manifest.ts';
export { manifestParams } from './manifest-params.ts';
export { loadRecipeManifests, shippedRecipesDir, type LoadedRecipeManifest } from './load-recipe-manifests.ts';
export { RecipeManifestError } from './recipe-manifest-error.ts';
export { applyDraftUpdate, diffManifests, draftNodes, manifestIssues } from './recipe-workshop.ts';
