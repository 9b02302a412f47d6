import { describe, expect, it } from 'vitest';
import { chooseRoute, gatePassPerMille, medianOf, perAcceptedImage, type RouteCandidate } from './routing.ts';

const route = (over: Partial<RouteCandidate>): RouteCandidate => ({ recipeId: 'r', backend: 'comfyui', perTaskMilliFen: 1000, imagesPerTask: 1, gate: { scored: 0, passed: 0 }, ...over });

describe('routing', () => {
  it('uses the prior until history exists, then the measured pass rate', () => {
    expect(gatePassPerMille({ scored: 0, passed: 0 })).toBe(500);
    expect(gatePassPerMille({ scored: 1000, passed: 900 })).toBe(892); // (900000 + 10000) / 1020
  });

  it('picks the lowest cost per accepted image, not per image', () => {
    const cheapButBad = route({ recipeId: 'a', backend: 'comfyui', perTaskMilliFen: 1000, gate: { scored: 200, passed: 20 } });
    const dearButGood = route({ recipeId: 'b', backend: 'replicate', perTaskMilliFen: 2000, gate: { scored: 200, passed: 190 } });
    const choice = chooseRoute([cheapButBad, dearButGood], 'a')!;
    expect(choice.chosen.recipeId).toBe('b');
    expect(choice.fallbacks.map((c) => c.recipeId)).toEqual(['a']);
    expect(choice.reason).toContain('lowest expected cost per accepted image');
    expect(perAcceptedImage(dearButGood)).toBeLessThan(perAcceptedImage(cheapButBad)!);
  });

  it('skips routes that cannot run now, prefers the requested recipe on a tie, and returns null when none can run', () => {
    const a = route({ recipeId: 'a' });
    const b = route({ recipeId: 'b' });
    expect(chooseRoute([b, a], 'a')!.chosen.recipeId).toBe('a');
    expect(chooseRoute([route({ recipeId: 'x', perTaskMilliFen: 1 , unavailable: 'unhealthy' }), b], 'a')!.chosen.recipeId).toBe('b');
    expect(chooseRoute([route({ unavailable: 'not configured' })], 'r')).toBeNull();
  });

  it('takes the lower middle as the median', () => {
    expect(medianOf([])).toBeNull();
    expect(medianOf([5, 1, 3])).toBe(3);
    expect(medianOf([4, 1, 3, 2])).toBe(2);
  });
});
