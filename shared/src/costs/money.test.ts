import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { chargeForStorage, chargeForTime, fenToMilliFen, formatYuan, mulDivRound, splitProportionally, usdMicrosToMilliFen } from './money.ts';
import { shippedPriceBook } from './shipped-price-book.ts';

describe('integer money', () => {
  it('charges time exactly: an hour of a ¥1.98/h GPU is 198,000 milli-fen, 12.345 s of it 679', () => {
    expect(chargeForTime(3_600_000, 198_000)).toBe(198_000);
    expect(chargeForTime(12_345, 198_000)).toBe(679); // 12.345 × 198000 / 3600 = 678.975 → 679
    expect(chargeForTime(12_345, 198_000, 4)).toBe(2716); // four cores: 2715.9 → 2716
  });

  it('keeps products past 2^53 exact (BigInt), and refuses floats', () => {
    expect(mulDivRound(9_000_000_000_000, 9_000, 9_000)).toBe(9_000_000_000_000);
    expect(() => mulDivRound(1.5, 2, 1)).toThrow(RangeError);
    expect(() => chargeForTime(10.5, 100)).toThrow(RangeError);
  });

  it('rounds half away from zero', () => {
    expect(mulDivRound(1, 1, 2)).toBe(1);
    expect(mulDivRound(-1, 1, 2)).toBe(-1);
    expect(mulDivRound(1, 1, 3)).toBe(0);
  });

  it('converts dollars and fen; storage is byte-days at a per-GB-month price', () => {
    expect(usdMicrosToMilliFen(30_000, 710_000)).toBe(21_300); // $0.03 at ¥7.10 = ¥0.213
    expect(fenToMilliFen(250)).toBe(250_000);
    expect(chargeForStorage(1_000_000_000, 30, 12_000)).toBe(12_000); // 1 GB for a month
    expect(chargeForStorage(2_000_000, 1, 12_000)).toBe(1); // 2 MB for a day: 0.8 → 1
  });

  it('splits a total into integers that add up exactly, in proportion', () => {
    expect(splitProportionally(100, [1, 1, 1])).toEqual([34, 33, 33]);
    expect(splitProportionally(10, [0, 0])).toEqual([5, 5]);
    expect(splitProportionally(7, [3, 0, 1])).toEqual([5, 0, 2]);
    fc.assert(fc.property(fc.integer({ min: 0, max: 10 ** 12 }), fc.array(fc.integer({ min: 0, max: 10 ** 6 }), { minLength: 1, maxLength: 30 }), (total, weights) => {
      const parts = splitProportionally(total, weights);
      expect(parts.reduce((a, b) => a + b, 0)).toBe(total);
      expect(parts.every((p) => Number.isInteger(p) && p >= 0)).toBe(true);
    }));
  });

  it('formats ¥ for people without rounding small costs to zero', () => {
    expect(formatYuan(123_456, 'en')).toBe('CN¥1.23');
    expect(formatYuan(679, 'en')).toBe('CN¥0.0068');
  });
});

describe('the shipped price book', () => {
  it('resolves every dollar price to integer milli-fen at its dated rate', () => {
    const book = shippedPriceBook();
    expect(book.replicate.perOutput['qwen/qwen-image-edit']).toMatchObject({ usdMicros: 30_000, milliFen: 21_300 });
    expect(book.replicate.hardwarePerHour['nvidia-l40s']!.milliFen).toBe(2_492_100);
    const prices = [book.comfyui.defaultPerHour, ...Object.values(book.comfyui.gpuPerHour), ...Object.values(book.replicate.hardwarePerHour),
      ...Object.values(book.replicate.perOutput), book.localCpuPerCoreHour, book.storagePerGbMonth, book.egressPerGb];
    for (const p of prices) {
      expect(Number.isInteger(p.milliFen)).toBe(true);
      expect(p.source.length).toBeGreaterThan(0);
      expect(p.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
  });
});
