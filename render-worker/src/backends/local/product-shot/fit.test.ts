import { describe, expect, it } from 'vitest';
import { marketplacePresets } from '@shotfarm/shared';
import { Composition, placeProduct } from './fit.ts';

const centred = Composition.parse({});

describe('marketplacePresets', () => {
  it('has the marketplace sizes, JPEG at quality 90 without mozjpeg', () => {
    expect(marketplacePresets['taobao-800']).toMatchObject({ widthPx: 800, heightPx: 800, forceWhite: false });
    expect(marketplacePresets['taobao-750x1000']).toMatchObject({ widthPx: 750, heightPx: 1000, forceWhite: false });
    expect(marketplacePresets['amazon-2000']).toMatchObject({ widthPx: 2000, heightPx: 2000, forceWhite: true, productFillPct: 85 });
    for (const preset of Object.values(marketplacePresets)) {
      expect(preset.output).toEqual({ format: 'jpeg', quality: 90, mozjpeg: false });
    }
  });
});

describe('placeProduct', () => {
  it('fits the box within the margins, keeps its aspect and centres it', () => {
    const p = placeProduct({ left: 100, top: 50, width: 600, height: 300 }, marketplacePresets['taobao-800'], centred);
    const margin = 0.08 * 800;
    expect(p.widthPx).toBeCloseTo(800 - 2 * margin);
    expect(p.heightPx / p.widthPx).toBeCloseTo(0.5);
    expect(p.leftPx).toBeCloseTo(margin);
    expect(p.topPx + p.heightPx / 2).toBeCloseTo(400);
    expect(p.upscaled).toBe(true);
  });

  it('shrinks a large photo and says it was not enlarged', () => {
    const p = placeProduct({ left: 0, top: 0, width: 1500, height: 2000 }, marketplacePresets['taobao-750x1000'], centred);
    // The margin is a share of the shorter side (60 px), so the 630 px wide slot is the limit here.
    expect(p.widthPx).toBeCloseTo(750 - 2 * 0.08 * 750);
    expect(p.heightPx / p.widthPx).toBeCloseTo(2000 / 1500);
    expect(p.scale).toBeLessThan(1);
    expect(p.upscaled).toBe(false);
  });

  it('fills 85% of the frame on amazon-2000 whatever margin or scale the composition asks', () => {
    const composition = Composition.parse({ scale: 0.6, marginPct: 30 });
    const tall = placeProduct({ left: 0, top: 0, width: 300, height: 900 }, marketplacePresets['amazon-2000'], composition);
    expect(tall.heightPx).toBeCloseTo(1700);
    const wide = placeProduct({ left: 0, top: 0, width: 900, height: 300 }, marketplacePresets['amazon-2000'], composition);
    expect(wide.widthPx).toBeCloseTo(1700);
  });

  it('places lower-third lower than centre, and both within the canvas', () => {
    const box = { left: 0, top: 0, width: 400, height: 400 };
    const preset = marketplacePresets['taobao-750x1000'];
    const centre = placeProduct(box, preset, Composition.parse({ scale: 0.8 }));
    const lower = placeProduct(box, preset, Composition.parse({ scale: 0.8, placement: 'lower-third' }));
    expect(lower.topPx).toBeGreaterThan(centre.topPx);
    expect(lower.topPx + lower.heightPx).toBeLessThanOrEqual(preset.heightPx);
    expect(lower.leftPx).toBeCloseTo(centre.leftPx);
  });

  it('uses the composition margin over the preset default', () => {
    const box = { left: 0, top: 0, width: 500, height: 500 };
    const p = placeProduct(box, marketplacePresets['taobao-800'], Composition.parse({ marginPct: 20 }));
    expect(p.widthPx).toBeCloseTo(800 - 2 * 160);
  });
});
