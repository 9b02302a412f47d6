import { describe, expect, it } from 'vitest';
import { formatYuan } from './format-yuan.ts';

describe('formatYuan', () => {
  it('shows fractions of a fen without rounding them to nothing', () => {
    expect(formatYuan(0)).toBe('¥0');
    expect(formatYuan(2500)).toBe('¥0.025');
    expect(formatYuan(37)).toBe('¥0.00037');
    expect(formatYuan(3 * 37)).toBe('¥0.00111'); // a total reads as the sum of the parts shown
    expect(formatYuan(1)).toBe('¥0.00001');
    expect(formatYuan(123_456)).toBe('¥1.23');
    expect(formatYuan(100_000 * 12)).toBe('¥12.00');
  });
});
