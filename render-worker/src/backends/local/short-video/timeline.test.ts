import { describe, expect, it } from 'vitest';
import { planTimeline } from './timeline.ts';

describe('planTimeline', () => {
  it('gives one photo the whole duration and no transition', () => {
    expect(planTimeline(1, 5, 25)).toMatchObject({ clipS: 5, transitionS: 0, offsetsS: [], totalFrames: 125 });
  });

  it.each([[2, 5], [3, 8], [6, 5], [6, 15]])('fits %i photos into exactly %i s, transitions shorter than a clip', (n, d) => {
    const t = planTimeline(n, d, 30);
    expect(n * t.clipS - (n - 1) * t.transitionS).toBeCloseTo(d, 9);
    expect(t.transitionS).toBeLessThanOrEqual(t.clipS / 3 + 1e-9);
    expect(t.offsetsS).toHaveLength(n - 1);
    // The last transition ends with the video.
    expect(t.offsetsS.at(-1)! + t.clipS).toBeCloseTo(d, 9);
    expect(t.clipFrames / 30).toBeGreaterThan(t.clipS);
    expect(t.totalFrames).toBe(d * 30);
  });

  it('refuses zero photos', () => {
    expect(() => planTimeline(0, 5, 25)).toThrow(RangeError);
  });
});
