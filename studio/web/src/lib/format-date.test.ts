import { describe, expect, it } from 'vitest';
import { formatDateTime, formatNumber } from './format-date.ts';

describe('formatDateTime', () => {
  it('writes the month in words in English and the year in full, never 12/5/26', () => {
    const text = formatDateTime('2026-12-05T11:51:00Z', 'en');
    expect(text).toMatch(/Dec 5, 2026/);
    expect(text).not.toMatch(/12\/5\/26/);
  });

  it('writes a Chinese date with 年月日', () => {
    expect(formatDateTime('2026-12-05T11:51:00Z', 'zh-CN')).toMatch(/2026年12月5日/);
  });
});

describe('formatNumber', () => {
  it('groups thousands', () => {
    expect(formatNumber(26214400, 'en')).toBe('26,214,400');
  });
});
