import { describe, expect, it } from 'vitest';
import { ssim } from './ssim.ts';

function pattern(w: number, h: number, f: (x: number, y: number) => number): Float32Array {
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) out[y * w + x] = f(x, y);
  return out;
}

describe('ssim', () => {
  const w = 64;
  const h = 48;
  const a = pattern(w, h, (x, y) => 128 + 60 * Math.sin(x / 3) * Math.cos(y / 5));

  it('is 1 for identical images', () => {
    expect(ssim(a, a, w, h)).toBeCloseTo(1, 6);
  });

  it('falls for distortions and is near 0 for unrelated structure', () => {
    const noisy = pattern(w, h, (x, y) => a[y * w + x]! + ((x * 7919 + y * 104729) % 41) - 20);
    const other = pattern(w, h, (x, y) => 128 + 60 * Math.sin(y / 2.3) * Math.cos(x / 7.1));
    const s = ssim(a, noisy, w, h);
    expect(s).toBeLessThan(0.95);
    expect(s).toBeGreaterThan(0.3);
    expect(Math.abs(ssim(a, other, w, h))).toBeLessThan(0.25);
  });

  it('averages over the weighted pixels only', () => {
    const half = pattern(w, h, (x, y) => (x < w / 2 ? a[y * w + x]! : 255 - a[y * w + x]!));
    const left = pattern(w, h, (x) => (x < w / 2 - 6 ? 1 : 0));
    expect(ssim(a, half, w, h, left)).toBeGreaterThan(0.99);
    expect(ssim(a, half, w, h)).toBeLessThan(0.7);
  });
});
