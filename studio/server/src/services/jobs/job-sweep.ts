import { maxJobTasks, maxSweepValues, type ParamValue, type Params, type SweepAxis } from '@shotfarm/shared';
import type { Recipe } from '@shotfarm/workflows';
import type { z } from 'zod';
import { JobSweepInvalidError, withDetails } from '../../errors.ts';

/** A sweep has one axis (a row) or two (a grid); three would need a cube the studio cannot draw. */
export const maxSweepAxes = 2;

/** A checked sweep: its axes with parsed values, and one full parameter set per grid cell, axis 0 outermost. */
export interface SweepGrid {
  axes: SweepAxis[];
  cells: Params[];
}

const invalid = (field: string, message: string): Error =>
  withDetails(new JobSweepInvalidError(`${field}: ${message}`), { field });

/** Zod kinds a sweep may vary: numbers (integers included) and enums, whose values can be drawn on an axis. */
function sweepableKind(schema: z.ZodType | undefined): 'number' | 'enum' | undefined {
  let s = schema;
  // Defaults and optionals wrap the kind that decides.
  while (s && ['default', 'optional', 'nullable', 'prefault'].includes(s._zod.def.type)) {
    s = (s._zod.def as unknown as { innerType: z.ZodType }).innerType;
  }
  const type = s?._zod.def.type;
  return type === 'number' || type === 'enum' ? type : undefined;
}

const asJson = (v: unknown): Params => JSON.parse(JSON.stringify(v)) as Params;

/**
 * Checks a sweep against its recipe and expands it into grid cells. `params` are the job's already
 * checked parameters; each cell is them with the swept values set, parsed by the recipe again.
 * Throws 422 SF_JOB_SWEEP_INVALID naming the field for an unknown or non-sweepable parameter, a repeated
 * axis, an empty, oversized or repeating value list, a value the parameter refuses, or a job that would
 * exceed {@link maxJobTasks} tasks.
 */
export function expandSweep(recipe: Recipe, params: Params, sweep: readonly SweepAxis[], variants: number): SweepGrid {
  if (sweep.length < 1 || sweep.length > maxSweepAxes) throw invalid('sweep', `give 1 or ${maxSweepAxes} axes, not ${sweep.length}`);
  const shape = recipe.params.shape as Record<string, z.ZodType>;
  const seen = new Set<string>();
  const axes = sweep.map((axis, a): SweepAxis => {
    const at = `sweep[${a}]`;
    if (!(axis.param in shape)) {
      throw invalid(`${at}.param`, `recipe "${recipe.id}" has no parameter "${axis.param}" (it takes ${Object.keys(shape).join(', ')})`);
    }
    if (!sweepableKind(shape[axis.param])) throw invalid(`${at}.param`, `"${axis.param}" is not a number or enum parameter, so it cannot be swept`);
    if (seen.has(axis.param)) throw invalid(`${at}.param`, `"${axis.param}" is swept twice`);
    seen.add(axis.param);
    if (axis.values.length < 1 || axis.values.length > maxSweepValues) {
      throw invalid(`${at}.values`, `give 1 to ${maxSweepValues} values, not ${axis.values.length}`);
    }
    const distinct = new Set<string>();
    const values = axis.values.map((raw, v): ParamValue => {
      const parsed = recipe.params.safeParse({ ...params, [axis.param]: raw });
      if (!parsed.success) throw invalid(`${at}.values[${v}]`, parsed.error.issues[0]?.message ?? 'refused by the recipe');
      const value = asJson(parsed.data)[axis.param] as ParamValue;
      const key = JSON.stringify(value);
      if (distinct.has(key)) throw invalid(`${at}.values[${v}]`, `${key} appears twice`);
      distinct.add(key);
      return value;
    });
    return { param: axis.param, values };
  });

  const cellCount = axes.reduce((n, a) => n * a.values.length, 1);
  if (cellCount * variants > maxJobTasks) {
    throw invalid('sweep', `${axes.map((a) => a.values.length).join(' × ')} values × ${variants} variants is ${cellCount * variants} tasks, more than ${maxJobTasks}`);
  }
  let combos: Params[] = [{}];
  for (const axis of axes) combos = combos.flatMap((c) => axis.values.map((v) => ({ ...c, [axis.param]: v })));
  const cells = combos.map((combo) => {
    const parsed = recipe.params.safeParse({ ...params, ...combo });
    if (!parsed.success) throw invalid('sweep', `${JSON.stringify(combo)}: ${parsed.error.issues[0]?.message ?? 'refused by the recipe'}`);
    return asJson(parsed.data);
  });
  return { axes, cells };
}
