import { describe, expect, it } from 'vitest';
import { borderFeatures } from './border.ts';

function rgb(widthPx: number, heightPx: number, at: (x: number, y: number) => [number, number, number]) {
  const data = new Uint8Array(widthPx * heightPx * 3);
  for (let y = 0; y < heightPx; y++) for (let x = 0; x < widthPx; x++) data.set(at(x, y), (y * widthPx + x) * 3);
  return { data, widthPx, heightPx };
}

describe('borderFeatures', () => {
  it('reads a pure white border as white, pure and uniform, whatever is inside', () => {
    const img = rgb(400, 300, (x, y) => (x > 50 && x < 350 && y > 50 && y < 250 ? [10, 20, 30] : [255, 255, 255]));
    expect(borderFeatures(img)).toEqual({ borderWhiteRatio: 1, borderPureWhiteRatio: 1, borderUniformity: 1 });
  });

  it('tells near-white from pure white', () => {
    const img = rgb(200, 200, () => [252, 252, 252]);
    expect(borderFeatures(img)).toMatchObject({ borderWhiteRatio: 1, borderPureWhiteRatio: 0, borderUniformity: 1 });
  });

  it('loses uniformity on a varied border', () => {
    const img = rgb(200, 200, (x) => (x % 2 ? [0, 0, 0] : [255, 255, 255]));
    const b = borderFeatures(img);
    expect(b.borderUniformity).toBe(0);
    expect(b.borderWhiteRatio).toBeCloseTo(0.5, 1);
  });
});
