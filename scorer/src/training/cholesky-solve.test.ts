import { describe, expect, it } from 'vitest';
import { choleskySolve } from './cholesky-solve.ts';

describe('choleskySolve', () => {
  it('solves a symmetric positive-definite system', () => {
    const a = Float64Array.from([4, 2, 0.6, 2, 5, 1, 0.6, 1, 3]);
    const x = [1, -2, 0.5];
    const b = Float64Array.from([0, 1, 2], (i) => x.reduce((s, xj, j) => s + a[i * 3 + j]! * xj, 0));
    choleskySolve(a, b).forEach((v, i) => expect(v).toBeCloseTo(x[i]!, 12));
  });

  it('refuses a matrix that is not positive definite', () => {
    expect(() => choleskySolve(Float64Array.from([1, 2, 2, 1]), Float64Array.from([1, 1]))).toThrow(/positive definite/);
  });
});
