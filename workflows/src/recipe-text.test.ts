import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { recipes } from './recipes/index.ts';
import { choicesOf, missingParamText } from './recipe-text.ts';

const both = (en: string) => ({ 'zh-CN': `中文${en}`, en });

describe('recipe parameter words', () => {
  it.each([...recipes.values()].map((r) => [r.id, r] as const))('%s words every parameter and every choice in zh-CN and en', (_, recipe) => {
    expect(missingParamText(recipe)).toEqual([]);
  });

  it('finds a parameter without a label, a choice without words, and words for no parameter', () => {
    const params = z.strictObject({ mode: z.enum(['a', 'b']), fps: z.union([z.literal(25), z.literal(30)]), size: z.int() });
    const problems = missingParamText({
      id: 'product-shot/x', params,
      paramText: { mode: { label: both('Mode'), options: { a: both('A') } }, fps: { label: { 'zh-CN': '帧率', en: ' ' } }, ghost: { label: both('Ghost') } },
    });
    expect(problems).toEqual([
      'product-shot/x: value "b" of "mode" has no words in both zh-CN and en',
      'product-shot/x: parameter "fps" has no label in both zh-CN and en',
      'product-shot/x: value "25" of "fps" has no words in both zh-CN and en',
      'product-shot/x: value "30" of "fps" has no words in both zh-CN and en',
      'product-shot/x: parameter "size" has no label in both zh-CN and en',
      'product-shot/x: paramText names "ghost", which is not a parameter',
    ]);
  });

  it('reads the choices of an enum and of a union of literals, and none of a free number', () => {
    expect(choicesOf({ enum: ['x', 'y'] })).toEqual(['x', 'y']);
    expect(choicesOf({ anyOf: [{ const: 25 }, { const: 30 }] })).toEqual([25, 30]);
    expect(choicesOf({ anyOf: [{ const: 1 }, {}] })).toEqual([]);
  });
});
