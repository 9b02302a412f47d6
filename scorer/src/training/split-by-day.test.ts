import { describe, expect, it } from 'vitest';
import type { CtrDataset } from './ctr-dataset.ts';
import { splitByDay } from './split-by-day.ts';

const dataset: CtrDataset = {
  featureNames: ['x'],
  description: 'toy',
  rows: Array.from({ length: 40 }, (_, i) => ({ productId: `p${i % 10}`, imageId: `p${i % 10}-a`, day: Math.floor(i / 10), impressions: 10, clicks: 1, features: [i] })),
};

describe('splitByDay', () => {
  it('trains on earlier days and tests on later ones', () => {
    const { train, test } = splitByDay(dataset, 3);
    expect(train.rows.every((r) => r.day < 3)).toBe(true);
    expect(test.rows.every((r) => r.day >= 3)).toBe(true);
    expect(train.rows.length + test.rows.length).toBe(dataset.rows.length);
  });

  it('can hold out products, reproducibly: they never train and only they are tested', () => {
    const a = splitByDay(dataset, 2, { holdOutProductShare: 0.5, seed: 3 });
    const b = splitByDay(dataset, 2, { holdOutProductShare: 0.5, seed: 3 });
    expect(b).toEqual(a);
    const trained = new Set(a.train.rows.map((r) => r.productId));
    const tested = new Set(a.test.rows.map((r) => r.productId));
    expect(tested.size).toBeGreaterThan(0);
    expect([...tested].some((p) => trained.has(p))).toBe(false);
  });
});
