import { describe, expect, it } from 'vitest';
import { detInputSize, toDetTensorData } from './det-preprocess.ts';

describe('detInputSize', () => {
  it('keeps an image whose longest side is within 960 at its scale, snapped to multiples of 32', () => {
    expect(detInputSize(800, 800)).toEqual({ widthPx: 800, heightPx: 800 });
    expect(detInputSize(600, 900)).toEqual({ widthPx: 608, heightPx: 896 });
  });

  it('scales the longest side down to 960 and never scales up', () => {
    expect(detInputSize(2048, 2048)).toEqual({ widthPx: 960, heightPx: 960 });
    expect(detInputSize(750, 1000)).toEqual({ widthPx: 736, heightPx: 960 });
    expect(detInputSize(400, 534)).toEqual({ widthPx: 416, heightPx: 544 });
  });

  it('gives every side at least 32, for 1×1 and 20000×20', () => {
    expect(detInputSize(1, 1)).toEqual({ widthPx: 32, heightPx: 32 });
    expect(detInputSize(20000, 20)).toEqual({ widthPx: 960, heightPx: 32 });
  });
});

describe('toDetTensorData', () => {
  it('writes planes in B, G, R order, each normalised with PaddleOCR mean/std in that order', () => {
    // one pixel R=255, G=0, B=0
    const out = toDetTensorData(new Uint8Array([255, 0, 0]), { widthPx: 1, heightPx: 1 });
    expect(out[0]).toBeCloseTo((0 - 0.485) / 0.229, 6); // B plane, B value 0
    expect(out[1]).toBeCloseTo((0 - 0.456) / 0.224, 6); // G plane
    expect(out[2]).toBeCloseTo((1 - 0.406) / 0.225, 6); // R plane, R value 255
  });

  it('refuses a buffer of the wrong size', () => {
    expect(() => toDetTensorData(new Uint8Array(5), { widthPx: 2, heightPx: 1 })).toThrow(RangeError);
  });
});
