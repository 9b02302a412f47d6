import { describe, expect, it } from 'vitest';
import { spreadIdle } from './idle.ts';

describe('idle GPU time', () => {
  it("spreads an hour's idle cost over the jobs by images, adding up exactly", () => {
    // Up 60 min, busy 20 min at ¥1.98/h: 40 min idle = 132,000 milli-fen, over 3 + 1 images.
    const shares = spreadIdle({ healthyMs: 3_600_000, busyMs: 1_200_000, milliFenPerHour: 198_000, imagesByJob: new Map([['b', 1], ['a', 3]]) });
    expect(shares).toEqual([
      { jobId: 'a', idleMs: 1_800_000, amountMilliFen: 99_000 },
      { jobId: 'b', idleMs: 600_000, amountMilliFen: 33_000 },
    ]);
  });

  it('keeps an hour without images as one line with no job, and charges nothing for a busy hour', () => {
    expect(spreadIdle({ healthyMs: 3_600_000, busyMs: 0, milliFenPerHour: 198_000, imagesByJob: new Map() })).toEqual([{ jobId: null, idleMs: 3_600_000, amountMilliFen: 198_000 }]);
    expect(spreadIdle({ healthyMs: 1000, busyMs: 5000, milliFenPerHour: 198_000, imagesByJob: new Map([['a', 1]]) })).toEqual([]);
  });
});
