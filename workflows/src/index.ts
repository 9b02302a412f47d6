export { defineRecipe, seedFor, type Recipe, type RecipeInput, type CompiledVariant, type BackendId, type Localised } from './define-recipe.ts';
export { recipes, productShotStudioLocal, ProductShotStudioParams } from './recipes/index.ts';
