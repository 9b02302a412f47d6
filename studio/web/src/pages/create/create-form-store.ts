import type { AssetView } from '@shotfarm/shared';
import type { ParamValues } from '../../components/param-form/param-fields.ts';

/** Where the Create form is kept between visits and reloads (per browser, like the language). */
export const createFormStorageKey = 'shotfarm.create-form';

/** What a reload must not lose: the chosen recipe, its inputs, each recipe's parameter values, the count. */
export interface StoredCreateForm {
  type: string | null;
  recipeId: string | null;
  /** Parameter values per recipe id, so switching recipes and back keeps what was set. */
  values: Record<string, ParamValues>;
  inputs: Record<string, AssetView>;
  variants: number | null;
}

export const emptyCreateForm: StoredCreateForm = { type: null, recipeId: null, values: {}, inputs: {}, variants: 4 };

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The stored form, or the empty one when there is none or it is not one of ours (a hand-edited or older entry). */
export function loadCreateForm(storage: Pick<Storage, 'getItem'> | undefined = globalThis.localStorage): StoredCreateForm {
  try {
    const raw: unknown = JSON.parse(storage?.getItem(createFormStorageKey) ?? 'null');
    if (!isRecord(raw)) return emptyCreateForm;
    const values = isRecord(raw.values) ? raw.values as Record<string, ParamValues> : {};
    const inputs = isRecord(raw.inputs) ? Object.fromEntries(Object.entries(raw.inputs).filter(([, a]) => isRecord(a) && typeof a.id === 'string' && typeof a.url === 'string')) as Record<string, AssetView> : {};
    return {
      type: typeof raw.type === 'string' ? raw.type : null,
      recipeId: typeof raw.recipeId === 'string' ? raw.recipeId : null,
      values: Object.fromEntries(Object.entries(values).filter(([, v]) => isRecord(v))),
      inputs,
      variants: typeof raw.variants === 'number' && Number.isInteger(raw.variants) ? raw.variants : emptyCreateForm.variants,
    };
  } catch {
    return emptyCreateForm;
  }
}

export function saveCreateForm(form: StoredCreateForm, storage: Pick<Storage, 'setItem'> | undefined = globalThis.localStorage): void {
  try {
    storage?.setItem(createFormStorageKey, JSON.stringify(form));
  } catch {
    // storage full or blocked: the form still works, it just is not remembered
  }
}

/** Stored values that still fit the recipe's fields (a recipe may have changed since): unknown names are dropped. */
export function restoredValues(stored: ParamValues | undefined, initial: ParamValues, names: readonly string[]): ParamValues {
  if (!stored) return initial;
  const kept = Object.fromEntries(Object.entries(stored).filter(([name]) => names.includes(name)));
  return { ...initial, ...kept };
}
