import { describe, expect, it } from 'vitest';
import { planVariant, ProductShotStudioParams, scenePalette } from './variants.ts';

const params = (input: Record<string, unknown> = {}): ProductShotStudioParams => ProductShotStudioParams.parse(input);

describe('ProductShotStudioParams', () => {
  it('fills the defaults', () => {
    expect(params()).toEqual({
      preset: 'taobao-800', scene: 'auto', marginPct: 8, shadowOpacity: 0.35, backgroundTolerance: 18, segmenter: 'classic',
    });
  });

  it('is strict and checks ranges', () => {
    expect(ProductShotStudioParams.safeParse({ sceen: 'auto' }).success).toBe(false);
    expect(ProductShotStudioParams.safeParse({ marginPct: 41 }).success).toBe(false);
    expect(ProductShotStudioParams.safeParse({ backgroundTolerance: 0 }).success).toBe(false);
    expect(ProductShotStudioParams.safeParse({ color: 'red' }).success).toBe(false);
  });
});

describe('planVariant', () => {
  it('gives each of the first variants a different scene kind and colour under auto', () => {
    const plans = [0, 1, 2, 3, 4, 5].map((i) => planVariant(params(), i));
    expect(plans.slice(0, 3).map((p) => p.scene.kind)).toEqual(['studio-sweep', 'solid', 'gradient']);
    const keys = plans.map((p) => JSON.stringify([p.scene, p.composition]));
    expect(new Set(keys).size).toBe(plans.length);
    const colours = plans.map((p) => ('color' in p.scene ? p.scene.color : 'to' in p.scene ? p.scene.to : ''));
    expect(new Set(colours).size).toBe(plans.length);
  });

  it('walks the whole palette before repeating a colour', () => {
    const solid = params({ scene: 'solid' });
    const colours = scenePalette.map((_, i) => {
      const { scene } = planVariant(solid, i);
      return scene.kind === 'solid' ? scene.color : '';
    });
    expect(new Set(colours)).toEqual(new Set(scenePalette));
  });

  it('uses tints of a chosen colour, the colour itself first', () => {
    const chosen = params({ scene: 'solid', color: '#2b3a67' });
    const first = planVariant(chosen, 0).scene;
    const second = planVariant(chosen, 1).scene;
    expect(first).toEqual({ kind: 'solid', color: '#2b3a67' });
    expect(second.kind === 'solid' && second.color).not.toBe('#2b3a67');
  });

  it('keeps pure white on forceWhite presets and varies composition and shadow instead', () => {
    const amazon = params({ preset: 'amazon-2000', scene: 'gradient', color: '#ff0000' });
    const plans = [0, 1, 2, 3].map((i) => planVariant(amazon, i));
    for (const p of plans) expect(p.scene).toEqual({ kind: 'solid', color: '#ffffff' });
    expect(new Set(plans.map((p) => JSON.stringify([p.composition, p.shadow]))).size).toBe(4);
  });

  it('stands every variant on an uploaded scene and varies the composition', () => {
    const sceneImage = Buffer.from('scene bytes');
    const plans = [0, 1, 2, 3].map((i) => planVariant(params(), i, { sceneImage }));
    for (const p of plans) expect(p.scene).toEqual({ kind: 'image', image: sceneImage });
    expect(new Set(plans.map((p) => JSON.stringify(p.composition))).size).toBe(4);
  });

  it('is deterministic, and the seed only jitters details', () => {
    expect(planVariant(params(), 2, { seed: 9 })).toEqual(planVariant(params(), 2, { seed: 9 }));
    const a = planVariant(params(), 2, { seed: 1 });
    const b = planVariant(params(), 2, { seed: 2 });
    expect(a.scene.kind).toBe(b.scene.kind);
    expect(a.composition).toEqual(b.composition);
    expect(a.scene).not.toEqual(b.scene);
  });

  it('passes margin and shadow opacity through', () => {
    const plan = planVariant(params({ marginPct: 15, shadowOpacity: 0.5 }), 0);
    expect(plan.composition.marginPct).toBe(15);
    expect(plan.shadow.opacity).toBe(0.5);
  });
});
