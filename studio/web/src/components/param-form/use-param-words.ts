import { useMemo } from 'react';
import type { RecipeParamText, RecipeSummary } from '../../api/client.ts';
import { useRecipes } from '../../hooks/use-recipes.ts';
import { useI18n, type Language, type Translate } from '../../i18n/i18n.ts';
import { paramLabel, paramValueLabel } from './param-labels.ts';

/** How parameters read on a page: a label, a value's words and an optional help line. */
export interface ParamWords {
  label: (name: string) => string;
  value: (name: string, value: unknown) => string;
  help: (name: string) => string | null;
  /** Whether the parameter has words anywhere (a recipe's or the dictionary's); internal task values have none. */
  known: (name: string) => boolean;
}

/**
 * Words from the recipe itself first (its manifest or definition carries both languages), then from any recipe
 * that names the parameter alike (a gallery item whose recipe is not known), then the studio's dictionary.
 */
export function paramWordsFrom(texts: readonly RecipeParamText[], t: Translate, language: Language): ParamWords {
  const find = (name: string) => texts.find((text) => text[name])?.[name];
  return {
    label: (name) => find(name)?.label[language] ?? paramLabel(t, name),
    value: (name, value) => {
      const words = texts.find((text) => text[name]?.options?.[String(value)])?.[name]?.options?.[String(value)];
      return words?.[language] ?? paramValueLabel(t, name, value);
    },
    help: (name) => find(name)?.help?.[language] ?? null,
    known: (name) => find(name) !== undefined || paramLabel(t, name) !== name,
  };
}

/** Parameter words for one recipe (by id), falling back to every recipe's and the dictionary. */
export function useParamWords(recipeId?: string | null): ParamWords {
  const { t, language } = useI18n();
  const recipes = useRecipes();
  return useMemo(() => {
    const all: readonly RecipeSummary[] = recipes.data ?? [];
    const own = all.find((r) => r.id === recipeId);
    const texts = [...(own ? [own.paramText] : []), ...all.filter((r) => r !== own).map((r) => r.paramText)];
    return paramWordsFrom(texts, t, language);
  }, [recipes.data, recipeId, t, language]);
}
