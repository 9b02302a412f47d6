import { TaskError, type ComfyRecipeBlock, type RecipeManifest } from '@shotfarm/shared';
import type { Recipe } from '@shotfarm/workflows';
import type { ComfyRequirements } from './comfy-pool-server.ts';

/** A recipe manifest that runs on ComfyUI: the shared schema, with its `comfyui` block present. */
export type ComfyRecipeView = RecipeManifest & { comfyui: ComfyRecipeBlock };

/** A recipe as this backend needs it: its id and, for comfyui recipes, its (already validated) manifest. */
export type ComfyRecipeSource = Pick<Recipe, 'id' | 'manifest'>;

/** The manifest of a comfyui recipe, or a non-retryable `SF_RENDER_COMFY_RECIPE_INVALID`. */
export function comfyViewOf(recipe: ComfyRecipeSource): ComfyRecipeView {
  const manifest = recipe.manifest;
  if (!manifest?.comfyui) throw new TaskError('SF_RENDER_COMFY_RECIPE_INVALID', `recipe ${recipe.id} has no comfyui graph`);
  return manifest as ComfyRecipeView;
}

/** What a server must have: every node class, and every model file the graph loads (by ComfyUI folder). */
export function requirementsOf(view: ComfyRecipeView): ComfyRequirements {
  return {
    nodeClasses: view.requirements.nodeClasses,
    models: view.requirements.models.flatMap((m) => (m.folder && m.file ? [{ folder: m.folder, file: m.file }] : [])),
  };
}
