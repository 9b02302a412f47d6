import { describe, expect, it } from 'vitest';
import { slope } from './launch-scale.ts';

describe('slope (memory growth per finished SKU)', () => {
  it('is the least-squares slope of y over x', () => {
    expect(slope([{ x: 0, y: 1 }, { x: 1, y: 3 }, { x: 2, y: 5 }])).toBeCloseTo(2, 10);
    // Noise around a flat line: close to zero, whatever the level.
    expect(slope([{ x: 0, y: 100 }, { x: 1, y: 102 }, { x: 2, y: 98 }, { x: 3, y: 100 }])).toBeCloseTo(-0.4, 10);
  });

  it('is NaN when x does not vary or there are too few points', () => {
    expect(slope([{ x: 1, y: 1 }])).toBeNaN();
    expect(slope([{ x: 1, y: 1 }, { x: 1, y: 5 }])).toBeNaN();
  });
});
