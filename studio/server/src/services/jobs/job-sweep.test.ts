import { describe, expect, it } from 'vitest';
import type { Params } from '@shotfarm/shared';
import { productShotStudioLocal, type Recipe } from '@shotfarm/workflows';
import { expandSweep } from './job-sweep.ts';

const recipe = productShotStudioLocal as unknown as Recipe;
const defaults = JSON.parse(JSON.stringify(recipe.params.parse({}))) as Params;

describe('expandSweep', () => {
  it('expands marginPct × scene (2 × 3) into 6 cells, axis 0 outermost, each a full parameter set', () => {
    const grid = expandSweep(recipe, { ...defaults, shadowOpacity: 0.5 },
      [{ param: 'marginPct', values: [4, 20] }, { param: 'scene', values: ['solid', 'gradient', 'studio-sweep'] }], 1);
    expect(grid.axes).toEqual([{ param: 'marginPct', values: [4, 20] }, { param: 'scene', values: ['solid', 'gradient', 'studio-sweep'] }]);
    expect(grid.cells.map((c) => [c.marginPct, c.scene])).toEqual([
      [4, 'solid'], [4, 'gradient'], [4, 'studio-sweep'], [20, 'solid'], [20, 'gradient'], [20, 'studio-sweep'],
    ]);
    for (const c of grid.cells) expect(c).toMatchObject({ preset: 'taobao-800', shadowOpacity: 0.5, backgroundTolerance: 18 });
  });

  it('accepts one axis with one value', () => {
    expect(expandSweep(recipe, defaults, [{ param: 'shadowOpacity', values: [0.2] }], 4).cells).toHaveLength(1);
  });

  const refusals: [string, Parameters<typeof expandSweep>[2], number, string][] = [
    ['no axes', [], 1, 'sweep'],
    ['three axes', [{ param: 'marginPct', values: [1] }, { param: 'scene', values: ['solid'] }, { param: 'preset', values: ['amazon-2000'] }], 1, 'sweep'],
    ['an unknown parameter', [{ param: 'sharpness', values: [1, 2] }], 1, 'sweep[0].param'],
    ['a parameter that is neither number nor enum', [{ param: 'color', values: ['#ffffff', '#000000'] }], 1, 'sweep[0].param'],
    ['the same parameter twice', [{ param: 'marginPct', values: [1] }, { param: 'marginPct', values: [2] }], 1, 'sweep[1].param'],
    ['no values', [{ param: 'marginPct', values: [] }], 1, 'sweep[0].values'],
    ['17 values', [{ param: 'marginPct', values: Array.from({ length: 17 }, (_, i) => i) }], 1, 'sweep[0].values'],
    ['a value out of range', [{ param: 'scene', values: ['solid'] }, { param: 'marginPct', values: [5, 90] }], 1, 'sweep[1].values[1]'],
    ['an enum value the recipe does not know', [{ param: 'scene', values: ['solid', 'moon'] }], 1, 'sweep[0].values[1]'],
    ['a value of the wrong JSON type', [{ param: 'marginPct', values: ['wide'] }], 1, 'sweep[0].values[0]'],
    ['a repeated value', [{ param: 'marginPct', values: [5, 10, 5] }], 1, 'sweep[0].values[2]'],
    ['a grid × variants over 64 tasks', [{ param: 'marginPct', values: [1, 2, 3, 4, 5, 6, 7, 8, 9] }, { param: 'shadowOpacity', values: [0.1, 0.2, 0.3, 0.4] }], 2, 'sweep'],
  ];
  it.each(refusals)('refuses %s with SF_JOB_SWEEP_INVALID naming the field', (_name, sweep, variants, field) => {
    let error: unknown;
    try { expandSweep(recipe, defaults, sweep, variants); } catch (e) { error = e; }
    expect(error).toMatchObject({ code: 'SF_JOB_SWEEP_INVALID', statusCode: 422, details: { field } });
    expect((error as Error).message).toContain(field);
  });

  it('allows exactly 64 tasks', () => {
    const sweep = [{ param: 'marginPct', values: [1, 2, 3, 4, 5, 6, 7, 8] }, { param: 'shadowOpacity', values: [0.1, 0.2, 0.3, 0.4] }];
    expect(expandSweep(recipe, defaults, sweep, 2).cells).toHaveLength(32);
  });
});
