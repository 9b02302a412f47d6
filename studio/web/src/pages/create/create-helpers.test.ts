import { describe, expect, it } from 'vitest';
import type { AssetView } from '@shotfarm/shared';
import { moveItem } from '../../components/multi-upload.tsx';
import { stageWords } from '../../components/task-chip.tsx';
import { translate } from '../../i18n/i18n.ts';
import { groupFailures, worthRetrying } from '../../lib/task-failures.ts';
import { createFormStorageKey, loadCreateForm, restoredValues, saveCreateForm } from './create-form-store.ts';
import { groupInputs } from './create-page.tsx';
import { submitBlockers } from './submit-blockers.ts';

const slot = (name: string, role = 'product', required = false) => ({ name, role, required, label: { 'zh-CN': name, en: name } });
const asset = (id: string) => ({ id, url: `/files/${id}.jpg?exp=1&sig=x` }) as unknown as AssetView;

describe('groupInputs', () => {
  it('gives numbered inputs of one role one multi-photo zone, and other inputs one upload each', () => {
    const groups = groupInputs([slot('image1', 'product', true), slot('image2'), slot('image3')]);
    expect(groups).toHaveLength(1);
    expect(groups[0]).toMatchObject({ kind: 'multi', slots: [{ name: 'image1' }, { name: 'image2' }, { name: 'image3' }] });
    expect(groupInputs([slot('person', 'person', true), slot('garment', 'garment', true)]).map((g) => g.kind)).toEqual(['single', 'single']);
    expect(groupInputs([slot('product', 'product', true), slot('scene', 'scene')]).map((g) => g.kind)).toEqual(['single', 'single']);
  });
});

describe('moveItem', () => {
  it('reorders photos, and leaves the list alone for a move out of range', () => {
    expect(moveItem(['a', 'b', 'c'], 2, 0)).toEqual(['c', 'a', 'b']);
    expect(moveItem(['a', 'b', 'c'], 0, 1)).toEqual(['b', 'a', 'c']);
    expect(moveItem(['a', 'b'], 0, 5)).toEqual(['a', 'b']);
  });
});

describe('submitBlockers', () => {
  it('lists every reason, in the order a designer fixes them, and nothing when ready', () => {
    const recipe = { available: false, inputs: [slot('image1', 'product', true), slot('image2')] };
    expect(submitBlockers({ recipe, inputs: {}, errors: { fps: { key: 'params.notAnOption' } }, variantsValid: false, sweepValid: false }).map((b) => b.kind))
      .toEqual(['unavailable', 'input', 'param', 'variants', 'sweep']);
    expect(submitBlockers({ recipe: { ...recipe, available: true }, inputs: { image1: asset('a') }, errors: {}, variantsValid: true, sweepValid: true })).toEqual([]);
  });
});

describe('the Create form in local storage', () => {
  const memory = () => { const m = new Map<string, string>(); return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => { m.set(k, v); }, m }; };

  it('keeps the recipe, the inputs, each recipe\'s values and the count across a reload', () => {
    const store = memory();
    saveCreateForm({ type: 'short-video', recipeId: 'short-video/slideshow-local', values: { 'short-video/slideshow-local': { fps: 30 } }, inputs: { image1: asset('a') }, variants: 2 }, store);
    expect(loadCreateForm(store)).toEqual({ type: 'short-video', recipeId: 'short-video/slideshow-local', values: { 'short-video/slideshow-local': { fps: 30 } }, inputs: { image1: asset('a') }, variants: 2 });
  });

  it('starts empty from nothing, from broken JSON or from a shape that is not ours', () => {
    const store = memory();
    expect(loadCreateForm(store).recipeId).toBeNull();
    store.m.set(createFormStorageKey, '{not json');
    expect(loadCreateForm(store).variants).toBe(4);
    store.m.set(createFormStorageKey, JSON.stringify({ recipeId: 7, inputs: { a: 'x' }, values: [1], variants: 'many' }));
    expect(loadCreateForm(store)).toEqual({ type: null, recipeId: null, values: {}, inputs: {}, variants: 4 });
  });

  it('drops stored values for parameters the recipe no longer has', () => {
    expect(restoredValues({ fps: 30, gone: 1 }, { fps: 25, aspect: '9:16' }, ['fps', 'aspect'])).toEqual({ fps: 30, aspect: '9:16' });
  });
});

describe('task failures', () => {
  const failed = (index: number, code: string, message = 'm') => ({ index, status: 'failed' as const, error: { code, message } });

  it('groups identical errors, largest group first, and counts them', () => {
    const groups = groupFailures([failed(0, 'SF_RENDER_BACKGROUND_TOO_BUSY'), failed(2, 'SF_RENDER_BACKGROUND_TOO_BUSY'), failed(1, 'SF_RENDER_FAILED'), { index: 3, status: 'succeeded' as const, error: null }]);
    expect(groups).toEqual([
      { code: 'SF_RENDER_BACKGROUND_TOO_BUSY', message: 'm', variants: [1, 3] },
      { code: 'SF_RENDER_FAILED', message: 'm', variants: [2] },
    ]);
  });

  it('offers no retry when every failure depends on the input', () => {
    expect(worthRetrying([failed(0, 'SF_RENDER_BACKGROUND_TOO_BUSY')])).toBe(false);
    expect(worthRetrying([failed(0, 'SF_RENDER_BACKGROUND_TOO_BUSY'), failed(1, 'SF_RENDER_FAILED')])).toBe(true);
  });
});

describe('stageWords', () => {
  it('words a worker\'s stage in the language, and never shows an unknown one raw', () => {
    const en = (key: Parameters<typeof translate>[1], values?: Record<string, string | number>) => translate('en', key, values);
    expect(stageWords('encode', en)).toBe('Encoding video');
    expect(stageWords('replicate:processing', en)).toBe('Replicate generating');
    expect(stageWords('queued on gpu-a', en)).toBe('Queued on gpu-a');
    expect(stageWords('KSamplerAdvanced', en)).toBe('Generating');
    expect(stageWords('composite', (k, v) => translate('zh-CN', k, v))).toBe('合成画面');
  });
});
