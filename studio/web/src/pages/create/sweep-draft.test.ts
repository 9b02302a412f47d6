import { describe, expect, it } from 'vitest';
import type { ParamField } from '../../components/param-form/param-fields.ts';
import { checkSweep, draftFor, rangeValues, sweepableFields, type NumericSweepField, type SweepableField } from './sweep-draft.ts';

const scene: SweepableField = { kind: 'select', name: 'scene', required: false, options: ['solid', 'gradient', 'studio-sweep'], default: 'auto' };
const shadow: NumericSweepField = { kind: 'slider', name: 'shadowOpacity', required: false, integer: false, min: 0, max: 1, step: 0.01, default: 0.35 };
const margin: NumericSweepField = { kind: 'slider', name: 'marginPct', required: false, integer: true, min: 0, max: 40, step: 1, default: 8 };
const seed: ParamField = { kind: 'seed', name: 'seed', required: false, min: 0, max: 2 ** 32 - 1, default: undefined };
const prompt: ParamField = { kind: 'text', name: 'prompt', required: false, multiline: true, default: undefined };
const fields = [scene, shadow, margin, seed, prompt];

describe('sweep drafts', () => {
  it('sweeps enums and numbers, not seeds or texts', () => {
    expect(sweepableFields(fields).map((f) => f.name)).toEqual(['scene', 'shadowOpacity', 'marginPct']);
  });

  it('starts an enum axis with every option and a number axis with three points across its range', () => {
    expect(draftFor(scene)).toEqual({ param: 'scene', kind: 'options', values: ['solid', 'gradient', 'studio-sweep'] });
    expect(draftFor(margin)).toEqual({ param: 'marginPct', kind: 'range', from: 0, to: 40, count: 3 });
  });

  it('spaces a range evenly, snapped to the step, without float noise or repeats', () => {
    expect(rangeValues(shadow, 0.1, 0.3, 3)).toEqual([0.1, 0.2, 0.3]);
    expect(rangeValues(shadow, 0, 1, 4)).toEqual([0, 0.33, 0.67, 1]);
    expect(rangeValues(margin, 0, 3, 7)).toEqual([0, 1, 2, 3]);
    expect(rangeValues(margin, 5, 5, 4)).toEqual([5]);
  });

  it('counts cells and tasks across two axes', () => {
    const check = checkSweep(fields, [draftFor(scene), { param: 'marginPct', kind: 'range', from: 4, to: 20, count: 2 }], 2);
    expect(check).toEqual({ axes: [{ param: 'scene', values: ['solid', 'gradient', 'studio-sweep'] }, { param: 'marginPct', values: [4, 20] }], cells: 6, tasks: 12, error: null });
  });

  it('names the axis at fault: no values, a value out of range, a bad step count, a parameter twice', () => {
    expect(checkSweep(fields, [{ param: 'scene', kind: 'options', values: [] }], 1).error).toEqual({ axis: 0, error: { key: 'sweep.noValues' } });
    expect(checkSweep(fields, [draftFor(scene), { param: 'marginPct', kind: 'range', from: 0, to: 41, count: 2 }], 1).error)
      .toEqual({ axis: 1, error: { key: 'params.range', values: { min: 0, max: 40 } } });
    expect(checkSweep(fields, [{ param: 'marginPct', kind: 'range', from: 0, to: 10, count: 17 }], 1).error?.error.key).toBe('sweep.countInvalid');
    expect(checkSweep(fields, [{ param: 'marginPct', kind: 'range', from: null, to: 10, count: 2 }], 1).error?.error.key).toBe('params.required');
    expect(checkSweep(fields, [draftFor(margin), draftFor(margin)], 1).error).toEqual({ axis: 1, error: { key: 'sweep.duplicate' } });
    expect(checkSweep(fields, [{ param: 'prompt', kind: 'options', values: ['a'] }], 1).error?.error.key).toBe('sweep.notSweepable');
  });

  it('refuses more than 64 tasks for the whole job', () => {
    const check = checkSweep(fields, [{ param: 'marginPct', kind: 'range', from: 0, to: 40, count: 11 }, draftFor(scene)], 2);
    expect(check.tasks).toBe(66);
    expect(check.error).toEqual({ axis: -1, error: { key: 'sweep.tooManyTasks', values: { tasks: 66, max: 64 } } });
  });
});
