import type { Params } from '@shotfarm/shared';
import { useParamWords } from './param-form/use-param-words.ts';

/** Parameters nobody reads under an image: the seed is a number for machines, prompts are paragraphs. */
const hiddenParams = new Set(['seed']);
const longTextFrom = 60;
/** Shown first when present, in this order (the product shot's choices a designer makes most). */
const firstParams = ['scene', 'preset', 'color', 'aspect', 'transition', 'background'];

export interface OutputParamsProps {
  params: Params | Record<string, unknown>;
  /** Whose words to use; the parameters of other recipes and the dictionary fill in. */
  recipeId?: string | null;
  /** Show at most this many (a card); all when absent (the single-image view). */
  limit?: number;
}

/** A variant's parameters in words: "场景 纯色背景 · 颜色 ■ #f4efe6", each label and value in the page's language. */
export function OutputParams({ params, recipeId = null, limit }: OutputParamsProps) {
  const words = useParamWords(recipeId);
  // Only what a recipe declares: a task's own bookkeeping (its variant, the number of images) has no words to show.
  const names = Object.keys(params).filter((n) => !hiddenParams.has(n) && words.known(n));
  names.sort((a, b) => rank(a) - rank(b));
  const rows = names.flatMap((name) => {
    const value = params[name];
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') return [];
    if (typeof value === 'string' && (value === '' || value.length > longTextFrom)) return [];
    return [{ name, label: words.label(name), value: String(value), text: words.value(name, value) }];
  }).slice(0, limit);
  if (rows.length === 0) return null;
  return (
    <dl className="output-params" data-testid="output-params">
      {rows.map((row) => (
        <div key={row.name} className="output-param" data-param={row.name}>
          <dt>{row.label}</dt>
          <dd>
            {/^#[0-9a-f]{6}$/i.test(row.value) && <span className="swatch" style={{ background: row.value }} aria-hidden="true" />}
            {row.text}
          </dd>
        </div>
      ))}
    </dl>
  );
}

function rank(name: string): number {
  const i = firstParams.indexOf(name);
  return i === -1 ? firstParams.length : i;
}
