import { describe, expect, it } from 'vitest';
import { neutralGain, planHarmony } from './harmony.ts';

const scene = (rgb: [number, number, number], pixels = 1000): Buffer => {
  const out = Buffer.alloc(pixels * 3);
  for (let i = 0; i < pixels; i++) out.set(rgb, i * 3);
  return out;
};

describe('planHarmony', () => {
  it('leaves the product alone on a neutral light scene', () => {
    const gain = planHarmony(scene([235, 235, 235]));
    for (const g of gain) expect(g).toBeCloseTo(1, 2);
  });

  it('tints towards a warm scene, subtly', () => {
    const [r, g, b] = planHarmony(scene([244, 225, 205]));
    expect(r).toBeGreaterThan(b);
    for (const v of [r, g, b]) expect(Math.abs(v - 1)).toBeLessThan(0.05);
  });

  it('dims a touch on a dark scene, capped', () => {
    const gain = planHarmony(scene([60, 60, 60]));
    for (const g of gain) {
      expect(g).toBeLessThan(1);
      expect(g).toBeGreaterThanOrEqual(0.97 - 1e-9);
    }
  });

  it('is off at strength 0', () => {
    expect(planHarmony(scene([244, 200, 150]), { strength: 0 })).toBe(neutralGain);
  });
});
