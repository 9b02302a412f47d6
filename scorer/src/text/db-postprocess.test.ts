import { describe, expect, it } from 'vitest';
import { boxesFromProbabilityMap, type ProbabilityMap } from './db-postprocess.ts';

/** A map of `widthPx`×`heightPx`, zero except for the given rectangles filled with `p`. */
function map(widthPx: number, heightPx: number, rects: { x: number; y: number; w: number; h: number; p: number }[]): ProbabilityMap {
  const data = new Float32Array(widthPx * heightPx);
  for (const r of rects) {
    for (let y = r.y; y < r.y + r.h; y++) for (let x = r.x; x < r.x + r.w; x++) data[y * widthPx + x] = r.p;
  }
  return { data, widthPx, heightPx };
}

describe('boxesFromProbabilityMap', () => {
  it('grows a confident region by area × 1.5 / perimeter on every side', () => {
    // 40×10 region: grow = 400 × 1.5 / 100 = 6 → 52×22 at (14, 24)
    const boxes = boxesFromProbabilityMap(map(100, 100, [{ x: 20, y: 30, w: 40, h: 10, p: 0.9 }]), { widthPx: 100, heightPx: 100 });
    expect(boxes).toHaveLength(1);
    expect(boxes[0]).toMatchObject({ leftPx: 14, topPx: 24, widthPx: 52, heightPx: 22 });
    expect(boxes[0]!.score).toBeCloseTo(0.9, 5);
  });

  it('scales boxes from map pixels to the original frame', () => {
    const boxes = boxesFromProbabilityMap(map(100, 100, [{ x: 20, y: 30, w: 40, h: 10, p: 0.9 }]), { widthPx: 1000, heightPx: 500 });
    expect(boxes[0]).toMatchObject({ leftPx: 140, topPx: 120, widthPx: 520, heightPx: 110 });
  });

  it('clips a box grown past the frame edge', () => {
    const [box] = boxesFromProbabilityMap(map(50, 50, [{ x: 0, y: 0, w: 20, h: 10, p: 0.95 }]), { widthPx: 50, heightPx: 50 });
    expect(box).toMatchObject({ leftPx: 0, topPx: 0 });
    expect(box!.widthPx).toBeLessThanOrEqual(50);
  });

  it('drops a region above the binarisation threshold whose mean probability is below 0.6', () => {
    expect(boxesFromProbabilityMap(map(100, 100, [{ x: 10, y: 10, w: 40, h: 10, p: 0.5 }]), { widthPx: 100, heightPx: 100 })).toEqual([]);
  });

  it('ignores probabilities at or below 0.3, and NaN', () => {
    const m = map(60, 60, [{ x: 10, y: 10, w: 30, h: 10, p: 0.3 }]);
    m.data[0] = Number.NaN;
    expect(boxesFromProbabilityMap(m, { widthPx: 60, heightPx: 60 })).toEqual([]);
  });

  it('drops regions thinner than 3 map pixels', () => {
    expect(boxesFromProbabilityMap(map(100, 100, [{ x: 10, y: 10, w: 60, h: 2, p: 0.99 }]), { widthPx: 100, heightPx: 100 })).toEqual([]);
  });

  it('keeps separate regions apart, sorted top to bottom then left to right, and joins diagonal neighbours', () => {
    const m = map(100, 100, [
      { x: 60, y: 10, w: 20, h: 8, p: 0.9 },
      { x: 10, y: 10, w: 20, h: 8, p: 0.8 },
      { x: 10, y: 60, w: 10, h: 10, p: 0.9 },
      { x: 20, y: 70, w: 10, h: 10, p: 0.9 }, // touches the one above only at a corner
    ]);
    const boxes = boxesFromProbabilityMap(m, { widthPx: 100, heightPx: 100 });
    expect(boxes.map((b) => b.leftPx < 50)).toEqual([true, false, true]);
    expect(boxes[0]!.score).toBeCloseTo(0.8, 5);
  });

  it('refuses a map whose data does not match its size', () => {
    expect(() => boxesFromProbabilityMap({ data: new Float32Array(3), widthPx: 2, heightPx: 2 }, { widthPx: 2, heightPx: 2 })).toThrow(RangeError);
  });
});
