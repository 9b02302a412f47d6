import type { ParamError, ParamField } from '../../components/param-form/param-fields.ts';

// Mirrors of shared/src/schemas/job.ts (imported as values they would bring zod into the bundle); the API checks again.
/** Parameters one sweep may vary. */
export const maxSweepAxes = 2;
/** Values one axis may take (`maxSweepValues`). */
export const maxSweepValues = 16;
/** Tasks one job may have (`maxJobTasks`): cells × variants. */
export const maxJobTasks = 64;

/** A parameter a sweep can vary: an enum, or a number (seeds are varied by variants, texts are not swept). */
export type SweepableField = Extract<ParamField, { kind: 'select' | 'slider' | 'number' }>;
export type NumericSweepField = Extract<ParamField, { kind: 'slider' | 'number' }>;
export type SweepValue = string | number | boolean;

/** One axis as the designer is editing it: chosen options of an enum, or an evenly spaced range of a number. */
export type SweepAxisDraft =
  | { param: string; kind: 'options'; values: SweepValue[] }
  | { param: string; kind: 'range'; from: number | null; to: number | null; count: number | null };

export interface SweepCheck {
  /** The axes to send (`JobRequest.sweep`), with the values each takes. */
  axes: { param: string; values: SweepValue[] }[];
  /** Combinations of the axes' values; each gets `variants` tasks. */
  cells: number;
  tasks: number;
  /** The first problem, per axis index or for the whole sweep (`-1`); null when it can be submitted. */
  error: { axis: number; error: ParamError } | null;
}

export function sweepableFields(fields: readonly ParamField[]): SweepableField[] {
  return fields.filter((f): f is SweepableField => f.kind === 'select' || f.kind === 'slider' || f.kind === 'number');
}

/** A fresh axis for a field: every option of an enum; three points across a bounded number's range. */
export function draftFor(field: SweepableField): SweepAxisDraft {
  if (field.kind === 'select') return { param: field.name, kind: 'options', values: [...field.options] };
  const from = field.min ?? (typeof field.default === 'number' ? field.default : 0);
  const to = field.max ?? from + 1;
  return { param: field.name, kind: 'range', from, to, count: 3 };
}

/** Evenly spaced values from `from` to `to`, both included, snapped to the field's step (integers stay integers). */
export function rangeValues(field: NumericSweepField, from: number, to: number, count: number): number[] {
  if (count <= 1 || from === to) return [from];
  const step = field.kind === 'slider' ? field.step : field.integer ? 1 : 0;
  const integer = field.integer;
  const values = Array.from({ length: count }, (_, i) => {
    const raw = from + ((to - from) * i) / (count - 1);
    const snapped = step > 0 ? Math.round(raw / step) * step : raw;
    // Float steps (0.1 × 3 = 0.30000000000000004) are rounded to the step's own decimals.
    const decimals = step > 0 && !integer ? Math.max(0, -Math.floor(Math.log10(step))) : 6;
    return integer ? Math.round(snapped) : Number(snapped.toFixed(decimals));
  });
  return [...new Set(values)];
}

function axisValues(field: SweepableField, draft: SweepAxisDraft): SweepValue[] | ParamError {
  if (draft.kind === 'options') return draft.values;
  if (field.kind === 'select') return { key: 'sweep.notSweepable' };
  if (draft.from === null || draft.to === null || draft.count === null) return { key: 'params.required' };
  if (!Number.isInteger(draft.count) || draft.count < 1 || draft.count > maxSweepValues) return { key: 'sweep.countInvalid', values: { max: maxSweepValues } };
  for (const v of [draft.from, draft.to]) {
    if ((field.min !== undefined && v < field.min) || (field.max !== undefined && v > field.max)) {
      return { key: 'params.range', values: { min: field.min ?? '−∞', max: field.max ?? '∞' } };
    }
  }
  return rangeValues(field, draft.from, draft.to, draft.count);
}

/** Checks the axes as the API will, and counts what they make. */
export function checkSweep(fields: readonly ParamField[], drafts: readonly SweepAxisDraft[], variants: number): SweepCheck {
  const byName = new Map(sweepableFields(fields).map((f) => [f.name, f]));
  const axes: SweepCheck['axes'] = [];
  let error: SweepCheck['error'] = null;
  drafts.forEach((draft, axis) => {
    const field = byName.get(draft.param);
    const values = field ? axisValues(field, draft) : ({ key: 'sweep.notSweepable' } as ParamError);
    if (!Array.isArray(values)) { error ??= { axis, error: values }; return; }
    if (values.length === 0) error ??= { axis, error: { key: 'sweep.noValues' } };
    else if (values.length > maxSweepValues) error ??= { axis, error: { key: 'sweep.tooManyValues', values: { max: maxSweepValues } } };
    axes.push({ param: draft.param, values });
  });
  if (new Set(drafts.map((d) => d.param)).size !== drafts.length) error ??= { axis: drafts.length - 1, error: { key: 'sweep.duplicate' } };
  const cells = axes.reduce((n, a) => n * a.values.length, 1);
  const tasks = cells * variants;
  if (!error && tasks > maxJobTasks) error = { axis: -1, error: { key: 'sweep.tooManyTasks', values: { tasks, max: maxJobTasks } } };
  return { axes, cells, tasks, error };
}
