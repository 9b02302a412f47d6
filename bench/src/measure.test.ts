import { describe, expect, it } from 'vitest';
import { formatRate, formatResult, interleave, median, perSecond, roundRatios, type Batch } from './measure.ts';

describe('median', () => {
  it('takes the middle of an odd count and the mean of the middle two of an even count, whatever the order', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
  });

  it('leaves its input unsorted and refuses no values', () => {
    const values = [3, 1, 2];
    median(values);
    expect(values).toEqual([3, 1, 2]);
    expect(() => median([])).toThrow(RangeError);
  });
});

describe('interleave', () => {
  it('warms up once, then alternates ABBA: baseline first in even rounds, subject first in odd ones', async () => {
    const calls: string[] = [];
    const batch = (label: string, elapsedMs: number) => async (): Promise<Batch> => {
      calls.push(label);
      return { items: 10, elapsedMs };
    };
    const c = await interleave({
      rounds: 3, warmUp: async () => { calls.push('warm'); }, baseline: batch('B', 500), subject: batch('S', 1000),
    });
    expect(calls).toEqual(['warm', 'B', 'S', 'S', 'B', 'B', 'S']);
    expect(c).toEqual({ subjectPerS: [10, 10, 10], baselinePerS: [20, 20, 20] });
    expect(roundRatios(c)).toEqual([0.5, 0.5, 0.5]);
  });

  it('refuses zero rounds', async () => {
    const none = async (): Promise<Batch> => ({ items: 1, elapsedMs: 1 });
    await expect(interleave({ rounds: 0, baseline: none, subject: none })).rejects.toThrow(RangeError);
  });
});

describe('formatting', () => {
  it('gives rates three significant figures without exponents', () => {
    expect([0.01234, 1.234, 12.34, 123.4, 12345].map(formatRate)).toEqual(['0.0123', '1.23', '12.3', '123', '12345']);
    expect(perSecond({ items: 40, elapsedMs: 2000 })).toBe(20);
  });

  it('prints medians of the rates and the median of the per-round ratios', () => {
    const line = formatResult({
      name: 'farm-throughput', itemNoun: 'jobs', itemsPerRound: 40, baselineLabel: 'raw BullMQ',
      comparison: { subjectPerS: [12, 13, 12.3], baselinePerS: [20, 20.1, 21] },
    });
    expect(line).toBe('farm-throughput: 12.3 jobs/s vs raw BullMQ 20.1 jobs/s → ratio 0.60 (median of 3 rounds, 40 jobs each; round ratios 0.59–0.65)');
  });
});
