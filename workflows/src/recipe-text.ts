import { z } from 'zod';
import type { Localised, Recipe } from './define-recipe.ts';

type JsonSchemaProp = { enum?: unknown[]; const?: unknown; anyOf?: JsonSchemaProp[]; oneOf?: JsonSchemaProp[] };

/** Every fixed value a parameter may take (an enum, or a union of literals like fps 25 | 30); empty for free values. */
export function choicesOf(prop: JsonSchemaProp): unknown[] {
  if (prop.enum) return prop.enum;
  const parts = prop.anyOf ?? prop.oneOf;
  if (parts && parts.length > 0 && parts.every((p) => p.const !== undefined || p.enum)) return parts.flatMap((p) => p.enum ?? [p.const]);
  return [];
}

const complete = (text: Localised | undefined): boolean => Boolean(text?.['zh-CN'].trim() && text.en.trim());

/**
 * What a recipe leaves a designer to read raw: parameters without a label in both languages, choices without
 * words for a value, and words for parameters the recipe does not have. Empty when the recipe is fully worded.
 */
export function missingParamText(recipe: Pick<Recipe, 'id' | 'params' | 'paramText'>): string[] {
  const schema = z.toJSONSchema(recipe.params, { io: 'input' }) as { properties?: Record<string, JsonSchemaProp> };
  const properties = schema.properties ?? {};
  const problems: string[] = [];
  for (const [name, prop] of Object.entries(properties)) {
    const text = recipe.paramText[name];
    if (!complete(text?.label)) problems.push(`${recipe.id}: parameter "${name}" has no label in both zh-CN and en`);
    if (text?.help && !complete(text.help)) problems.push(`${recipe.id}: parameter "${name}" has help in only one language`);
    for (const value of choicesOf(prop)) {
      if (!complete(text?.options?.[String(value)])) problems.push(`${recipe.id}: value "${String(value)}" of "${name}" has no words in both zh-CN and en`);
    }
  }
  for (const name of Object.keys(recipe.paramText)) {
    if (!Object.hasOwn(properties, name)) problems.push(`${recipe.id}: paramText names "${name}", which is not a parameter`);
  }
  return problems;
}
