import type { AssetView } from '@shotfarm/shared';
import type { Localised, RecipeSummary } from '../../api/client.ts';
import type { ParamError } from '../../components/param-form/param-fields.ts';

/** One reason the submit button is disabled; the page says each in words next to it. */
export type SubmitBlocker =
  | { kind: 'unavailable' }
  | { kind: 'input'; name: string; label: Localised }
  | { kind: 'param'; name: string; error: ParamError }
  | { kind: 'variants' }
  | { kind: 'sweep' };

/** Everything that stops a submit, in the order a designer fixes them: recipe, photos, parameters, count, sweep. */
export function submitBlockers(opts: {
  recipe: Pick<RecipeSummary, 'available' | 'inputs'>;
  inputs: Readonly<Record<string, AssetView>>;
  errors: Readonly<Record<string, ParamError>>;
  variantsValid: boolean;
  sweepValid: boolean;
}): SubmitBlocker[] {
  const { recipe, inputs, errors } = opts;
  return [
    ...(recipe.available ? [] : [{ kind: 'unavailable' } as const]),
    ...recipe.inputs.filter((i) => i.required && !inputs[i.name]).map((i) => ({ kind: 'input', name: i.name, label: i.label }) as const),
    ...Object.entries(errors).map(([name, error]) => ({ kind: 'param', name, error }) as const),
    ...(opts.variantsValid ? [] : [{ kind: 'variants' } as const]),
    ...(opts.sweepValid ? [] : [{ kind: 'sweep' } as const]),
  ];
}
