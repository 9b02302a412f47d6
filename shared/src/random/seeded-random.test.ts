import { describe, expect, it } from 'vitest';
import { SeededRandom } from './seeded-random.ts';

const moments = (xs: number[]) => {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  return { mean, variance: xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length };
};

describe('SeededRandom', () => {
  it('repeats its sequence for a seed and stream, and differs across streams', () => {
    const a = new SeededRandom(42, 'x');
    const b = new SeededRandom(42, 'x');
    const c = new SeededRandom(42, 'y');
    const seqA = Array.from({ length: 20 }, () => a.next());
    expect(Array.from({ length: 20 }, () => b.next())).toEqual(seqA);
    expect(Array.from({ length: 20 }, () => c.next())).not.toEqual(seqA);
    expect(seqA.every((u) => u >= 0 && u < 1)).toBe(true);
  });

  it('pins the first outputs, so a change to the generator cannot slip through unnoticed', () => {
    const r = new SeededRandom(1);
    expect(Array.from({ length: 3 }, () => r.nextUint32())).toMatchInlineSnapshot(`
      [
        3296685081,
        292216795,
        3203276040,
      ]
    `);
  });

  it('draws normals with the requested moments', () => {
    const r = new SeededRandom(7);
    const m = moments(Array.from({ length: 50_000 }, () => r.normal(3, 2)));
    expect(m.mean).toBeCloseTo(3, 1);
    expect(Math.sqrt(m.variance)).toBeCloseTo(2, 1);
  });

  it('draws gammas and betas with the right means, shape below 1 included', () => {
    const r = new SeededRandom(8);
    for (const shape of [0.4, 1, 5.5]) {
      expect(moments(Array.from({ length: 40_000 }, () => r.gamma(shape))).mean).toBeCloseTo(shape, 1);
    }
    expect(moments(Array.from({ length: 40_000 }, () => r.beta(2, 6))).mean).toBeCloseTo(0.25, 2);
  });

  it('draws exact binomials: mean n·p and variance n·p·(1−p), small and large n alike', () => {
    const r = new SeededRandom(9);
    for (const [n, p] of [[10, 0.3], [250, 0.035], [100_000, 0.02]] as const) {
      const m = moments(Array.from({ length: 20_000 }, () => r.binomial(n, p)));
      expect(m.mean / (n * p)).toBeCloseTo(1, 1);
      expect(m.variance / (n * p * (1 - p))).toBeCloseTo(1, 1);
    }
    expect(r.binomial(0, 0.5)).toBe(0);
    expect(r.binomial(17, 0)).toBe(0);
    expect(r.binomial(17, 1)).toBe(17);
    expect(() => r.binomial(2.5, 0.5)).toThrow(RangeError);
  });
});
