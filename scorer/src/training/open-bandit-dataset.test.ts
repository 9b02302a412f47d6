import { describe, expect, it } from 'vitest';
import { summariseDataset } from './ctr-dataset.ts';
import { loadOpenBanditDataset } from './open-bandit-dataset.ts';

describe('loadOpenBanditDataset', () => {
  it('parses the real Open Bandit sample: every logged impression and click, items with their features', async () => {
    const log = await loadOpenBanditDataset();
    expect(log.impressions).toBe(20_000); // 10,000 rows each in random-men.csv and bts-men.csv
    expect(log.clicks).toBe(115); // 46 + 69
    expect(log.items).toBe(34);
    expect(log.startDate).toBe('2019-11-24T00:00:00.000Z');
    const s = summariseDataset(log.dataset);
    expect(s.impressions).toBe(log.impressions);
    expect(s.clicks).toBe(log.clicks);
    expect(s.products).toBe(3); // positions 1–3
    expect([s.firstDay, s.lastDay]).toEqual([0, 6]);
    const names = log.dataset.featureNames;
    expect(names[0]).toBe('item_feature_0');
    expect(names.filter((n) => n.startsWith('item_feature_1='))).toHaveLength(7);
    // Each item has exactly one level of each categorical feature.
    for (const r of log.dataset.rows) {
      for (const col of ['item_feature_1', 'item_feature_2', 'item_feature_3']) {
        expect(names.reduce((s, n, j) => s + (n.startsWith(`${col}=`) ? r.features[j]! : 0), 0)).toBe(1);
      }
    }
  });

  it('reads one policy alone', async () => {
    const log = await loadOpenBanditDataset({ policies: ['random'] });
    expect([log.impressions, log.clicks]).toEqual([10_000, 46]);
  });
});
