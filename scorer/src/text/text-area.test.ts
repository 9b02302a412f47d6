import { describe, expect, it } from 'vitest';
import { textAreaRatio } from './text-area.ts';

const box = (leftPx: number, topPx: number, widthPx: number, heightPx: number) => ({ leftPx, topPx, widthPx, heightPx, score: 0.9 });

describe('textAreaRatio', () => {
  it('is 0 without boxes', () => {
    expect(textAreaRatio([], { widthPx: 800, heightPx: 800 })).toBe(0);
  });

  it('is the box area over the frame area for one box', () => {
    expect(textAreaRatio([box(0, 0, 400, 200)], { widthPx: 800, heightPx: 800 })).toBeCloseTo(0.125, 2);
  });

  it('counts overlapping boxes once', () => {
    const one = textAreaRatio([box(100, 100, 200, 100)], { widthPx: 800, heightPx: 800 });
    const same = textAreaRatio([box(100, 100, 200, 100), box(100, 100, 200, 100)], { widthPx: 800, heightPx: 800 });
    const overlapping = textAreaRatio([box(100, 100, 200, 100), box(200, 100, 200, 100)], { widthPx: 800, heightPx: 800 });
    expect(same).toBe(one);
    expect(overlapping).toBeCloseTo((300 * 100) / (800 * 800), 3);
  });

  it('is 1 for a box covering the frame, and never more', () => {
    expect(textAreaRatio([box(-10, -10, 900, 900), box(0, 0, 800, 800)], { widthPx: 800, heightPx: 800 })).toBe(1);
  });

  it('works for extreme frames: 1×1 and 20000×20', () => {
    expect(textAreaRatio([box(0, 0, 1, 1)], { widthPx: 1, heightPx: 1 })).toBe(1);
    expect(textAreaRatio([box(0, 0, 10000, 20)], { widthPx: 20000, heightPx: 20 })).toBeCloseTo(0.5, 2);
  });
});
