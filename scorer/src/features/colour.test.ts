import { describe, expect, it } from 'vitest';
import { colourFeatures } from './colour.ts';

function image(pixels: [number, number, number][], repeat = 100): { data: Uint8Array; widthPx: number; heightPx: number } {
  const data = new Uint8Array(pixels.length * repeat * 3);
  for (let k = 0; k < repeat; k++) pixels.forEach((p, i) => data.set(p, (k * pixels.length + i) * 3));
  return { data, widthPx: pixels.length * repeat, heightPx: 1 };
}

describe('colourFeatures', () => {
  it('finds no colour in greys', () => {
    const c = colourFeatures(image([[0, 0, 0], [128, 128, 128], [200, 200, 200], [255, 255, 255]]));
    expect(c).toMatchObject({ colourfulness: 0, saturationMean: 0, saturationP95: 0, hueEntropy: 0, warmth: 0 });
    expect(c.colourCast).toBeCloseTo(0, 1);
  });

  it('reads one saturated hue as fully saturated with no hue entropy', () => {
    const c = colourFeatures(image([[220, 20, 20]]));
    expect(c.saturationMean).toBeCloseTo(200 / 220);
    expect(c.hueEntropy).toBe(0);
    expect(c.warmth).toBeCloseTo(200 / 255);
    expect(c.colourfulness).toBeGreaterThan(50);
  });

  it('gives hue entropy 1 when every hue bin is equally filled', () => {
    const ring: [number, number, number][] = Array.from({ length: 36 }, (_, k) => hsvToRgb(k * 10 + 5));
    expect(colourFeatures(image(ring)).hueEntropy).toBeCloseTo(1, 5);
  });

  it('measures a cast on near-neutral pixels', () => {
    expect(colourFeatures(image([[150, 142, 128]])).colourCast).toBeGreaterThan(5); // saturation 0.15: still near-neutral
    expect(colourFeatures(image([[140, 140, 140]])).colourCast).toBeLessThan(0.5);
  });
});

function hsvToRgb(hue: number): [number, number, number] {
  const f = (n: number): number => {
    const k = (n + hue / 60) % 6;
    return Math.round(255 * (1 - Math.max(0, Math.min(k, 4 - k, 1))));
  };
  return [f(5), f(3), f(1)];
}
