import { describe, expect, it } from 'vitest';
import { maskExtent } from './box.ts';
import { connectedComponents, floodFromEdge } from './connected-components.ts';
import { hammingDistance } from './hamming.ts';
import { productMask } from './product-mask.ts';
import { mulberry32 } from './prng.ts';
import { linearToSrgb, srgbByteToLinear, srgbToLinear } from './srgb.ts';

/** A mask from rows of '#' (set) and '.' (clear). */
function maskOf(rows: string[]): { data: Uint8Array; w: number; h: number } {
  const w = rows[0]!.length;
  const data = new Uint8Array(rows.flatMap((r) => [...r].map((c) => (c === '#' ? 1 : 0))));
  return { data, w, h: rows.length };
}

describe('sRGB transfer', () => {
  it('meets the standard at its joints and ends', () => {
    expect(srgbToLinear(0)).toBe(0);
    expect(srgbToLinear(1)).toBeCloseTo(1, 12);
    expect(srgbToLinear(0.04045)).toBeCloseTo(0.04045 / 12.92, 12);
    expect(srgbToLinear(0.5)).toBeCloseTo(0.214041, 5); // mid-grey is about 21 % of the light
    expect(linearToSrgb(0.0031308)).toBeCloseTo(0.0031308 * 12.92, 9);
  });

  it('round-trips every 8-bit value', () => {
    for (let v = 0; v < 256; v++) expect(Math.round(linearToSrgb(srgbToLinear(v / 255)) * 255)).toBe(v);
  });

  it('tabulates the bytes with the same function', () => {
    expect(srgbByteToLinear).toHaveLength(256);
    expect(srgbByteToLinear[128]).toBe(srgbToLinear(128 / 255));
  });
});

describe('connectedComponents', () => {
  it('labels 4-connected regions, counts them and says which reach the frame', () => {
    const { data, w, h } = maskOf([
      '#..##',
      '#...#',
      '..#..',
      '.#.#.',
    ]);
    const { labels, sizes, onFrame } = connectedComponents(data, w, h);
    // Diagonal neighbours are separate regions: 4-connectivity.
    expect(sizes.slice(1).sort()).toEqual([1, 1, 1, 2, 3]);
    expect(labels[0]).toBe(labels[5]);
    expect(labels[12]).not.toBe(labels[16]);
    const centre = labels[12]!;
    expect(onFrame[centre]).toBe(false);
    expect(onFrame[labels[0]!]).toBe(true);
    expect(labels[1]).toBe(0);
  });
});

describe('floodFromEdge', () => {
  it('reaches passable pixels connected to the border and not an enclosed pocket', () => {
    const { data, w, h } = maskOf([
      '#####',
      '#...#',
      '#.#.#',
      '#...#',
      '#####',
    ]);
    const passable = data.map((v) => (v ? 1 : 0));
    const reached = floodFromEdge(passable, w, h);
    expect([...reached].filter(Boolean)).toHaveLength(16); // the ring only
    expect(reached[12]).toBe(0); // the enclosed centre is passable but cut off
  });
});

describe('maskExtent', () => {
  it('finds count, box and mean position, over all rows or a band of them', () => {
    const { data, w, h } = maskOf([
      '.....',
      '.##..',
      '.###.',
      '.....',
    ]);
    expect(maskExtent(data, w, h)).toEqual({ count: 5, box: { left: 1, top: 1, width: 3, height: 2 }, meanX: 9 / 5, meanY: 8 / 5 });
    expect(maskExtent(data, w, h, { rows: [2, 3] }).box).toEqual({ left: 1, top: 2, width: 3, height: 1 });
    expect(maskExtent(data, w, h, { minValue: 2 })).toEqual({ count: 0, box: null, meanX: Number.NaN, meanY: Number.NaN });
  });
});

describe('mulberry32', () => {
  it('repeats for a seed, differs across seeds and spreads evenly over [0, 1)', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const xs = Array.from({ length: 10_000 }, () => a());
    expect(xs.slice(0, 5)).toEqual(Array.from({ length: 5 }, () => b()));
    expect(mulberry32(43)()).not.toBe(xs[0]);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    expect(xs.reduce((s, x) => s + x, 0) / xs.length).toBeCloseTo(0.5, 1);
  });
});

describe('hammingDistance', () => {
  it('counts differing bits', () => {
    expect(hammingDistance('0000000000000000', '0000000000000000')).toBe(0);
    expect(hammingDistance('0000000000000000', 'ffffffffffffffff')).toBe(64);
    expect(hammingDistance('00000000000000f1', '0000000000000000')).toBe(5);
  });

  it('refuses hashes that are not comparable', () => {
    expect(() => hammingDistance('00', '000')).toThrow(RangeError);
    expect(() => hammingDistance('0g', '00')).toThrow(RangeError);
  });
});

describe('productMask', () => {
  /** A white 40×30 frame with a dark 10×8 product and a 1-pixel speck. */
  function packshot(): { data: Uint8Array; widthPx: number; heightPx: number } {
    const widthPx = 40;
    const heightPx = 30;
    const data = new Uint8Array(widthPx * heightPx * 3).fill(255);
    const paint = (x: number, y: number): void => { data.fill(40, (y * widthPx + x) * 3, (y * widthPx + x) * 3 + 3); };
    for (let y = 10; y < 18; y++) for (let x = 15; x < 25; x++) paint(x, y);
    paint(2, 2);
    return { data, widthPx, heightPx };
  }

  it('floods the white border and keeps the product, dropping specks', () => {
    const mask = productMask(packshot(), { alpha: null });
    expect(mask.method).toBe('border-flood');
    expect(mask.backgroundRgb).toEqual([255, 255, 255]);
    expect(mask.regionSizesPx).toEqual([80]);
    expect(maskExtent(mask.data, mask.widthPx, mask.heightPx).box).toEqual({ left: 15, top: 10, width: 10, height: 8 });
  });

  it('takes a real cut-out from its alpha channel', () => {
    const img = packshot();
    const alpha = new Uint8Array(img.widthPx * img.heightPx);
    for (let y = 5; y < 25; y++) for (let x = 5; x < 35; x++) alpha[y * img.widthPx + x] = 255;
    const mask = productMask(img, { alpha });
    expect(mask.method).toBe('alpha');
    expect(mask.regionSizesPx).toEqual([600]);
  });

  it('calls a frame with no background a whole-frame subject, and a flat one empty', () => {
    const noisy = { data: Uint8Array.from({ length: 40 * 30 * 3 }, (_, i) => (i * 97) % 256), widthPx: 40, heightPx: 30 };
    expect(productMask(noisy, { alpha: null }).method).toBe('whole-frame');
    const flat = { data: new Uint8Array(40 * 30 * 3).fill(200), widthPx: 40, heightPx: 30 };
    expect(productMask(flat, { alpha: null }).method).toBe('empty');
  });
});
