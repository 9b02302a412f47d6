import { describe, expect, it } from 'vitest';
import { topKDiverse } from './top-k-diverse.ts';

describe('topKDiverse', () => {
  const c = (id: string, ctr: number, phash: string) => ({ id, ctr, phash });
  it('takes the best by CTR, skipping near-duplicates of a pick', () => {
    const picks = topKDiverse([
      c('a', 0.05, '0000000000000000'),
      c('a-copy', 0.049, '0000000000000001'), // 1 bit from a
      c('b', 0.04, 'ffff000000000000'),
      c('c', 0.03, '0000ffff00000000'),
      c('d', 0.02, '00000000ffff0000'),
    ], 3, 8);
    expect(picks.map((p) => p.id)).toEqual(['a', 'b', 'c']);
  });
  it('returns fewer than K rather than duplicates', () => {
    expect(topKDiverse([c('a', 0.05, '0000000000000000'), c('b', 0.04, '0000000000000003')], 2, 8).map((p) => p.id)).toEqual(['a']);
  });
});
