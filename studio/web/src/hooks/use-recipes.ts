import { useQuery } from '@tanstack/react-query';
import { listRecipes, type RecipeSummary } from '../api/client.ts';

/** One cache entry for the recipe list, shared by Create, Jobs, Gallery and the parameter words. */
export const recipesQueryKey = ['recipes'] as const;

/** Every recipe the API offers (cached; the list changes only when a recipe runs for the first time or is imported). */
export function useRecipes() {
  return useQuery({ queryKey: recipesQueryKey, queryFn: ({ signal }) => listRecipes(signal), staleTime: 30_000 });
}

/** `product-shot/studio-local` → its title in the page's language, else the id (an unknown or removed recipe). */
export function recipeTitle(recipes: readonly RecipeSummary[] | undefined, id: string, language: 'zh-CN' | 'en'): string {
  return recipes?.find((r) => r.id === id)?.title[language] ?? id;
}
