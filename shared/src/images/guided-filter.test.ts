import { describe, expect, it } from 'vitest';
import { boxMean, guidedFilter } from './guided-filter.ts';

describe('boxMean', () => {
  it('averages over the window clipped at the frame', () => {
    const out = boxMean(Float32Array.from([0, 3, 6, 9]), 4, 1, 1);
    expect(Array.from(out)).toEqual([1.5, 3, 6, 7.5]);
  });
});

describe('guidedFilter', () => {
  it('snaps a mask that is 2 px off onto the guide\'s real edge', () => {
    const w = 40;
    const h = 8;
    const guide = new Float32Array(w * h * 3);
    const mask = new Float32Array(w * h);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const i = y * w + x;
        const product = x < 20; // the photo's edge is between x = 19 and 20
        guide.set(product ? [0.8, 0.1, 0.1] : [0.9, 0.9, 0.9], i * 3);
        mask[i] = x < 22 ? 1 : 0; // the coarse mask spills 2 px onto the background
      }
    }
    const out = guidedFilter(guide, mask, w, h, { radius: 4, epsilon: 1e-4 });
    const row = 4 * w;
    expect(out[row + 19]!).toBeGreaterThan(0.95);
    // The biggest step of the result is at the photo's edge (19 → 20), not at the mask's (21 → 22), and the spilled
    // pixels, background in the photo, are pulled to about half or less (edge-refine.ts stretches that away).
    const steps = Array.from({ length: w - 1 }, (_, x) => out[row + x]! - out[row + x + 1]!);
    expect(steps.indexOf(Math.max(...steps))).toBe(19);
    expect(out[row + 20]!).toBeLessThan(0.6);
    expect(out[row + 21]!).toBeLessThan(0.5);
    expect(out[row + 30]!).toBeLessThan(0.2);
  });
});
