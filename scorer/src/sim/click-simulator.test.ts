import { describe, expect, it } from 'vitest';
import { summariseDataset } from '../training/ctr-dataset.ts';
import { ClickSimulator, type ReplayPolicy } from './click-simulator.ts';
import { simFeatureNames } from './image-features.ts';

// Small markets keep these in milliseconds; the full-size market is exercised by the int tests and the eval.
const small = { productCount: 150, days: 4, dailyImpressionsMedian: 400 } as const;

const variance = (xs: number[]) => {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  return xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length;
};

describe('ClickSimulator', () => {
  it('is deterministic: the same seed gives the same market and logs, another seed does not', () => {
    const a = new ClickSimulator({ ...small, seed: 5 });
    const b = new ClickSimulator({ ...small, seed: 5 });
    const c = new ClickSimulator({ ...small, seed: 6 });
    expect(b.images).toEqual(a.images);
    expect(b.clickLog()).toEqual(a.clickLog());
    expect(c.clickLog()).not.toEqual(a.clickLog());
  });

  it('gives each product K ∈ {4, 8, 16} candidates and a baseline CTR in 3–4%', () => {
    const sim = new ClickSimulator(small);
    const ks = new Set(sim.products.map((p) => p.imageIds.length));
    expect([...ks].sort((x, y) => x - y)).toEqual([4, 8, 16]);
    for (const p of sim.products) {
      expect(p.baselineCtr).toBeGreaterThanOrEqual(0.03);
      expect(p.baselineCtr).toBeLessThanOrEqual(0.04);
      const mean = p.imageIds.reduce((s, id) => s + sim.truth(id).trueCtr, 0) / p.imageIds.length;
      expect(mean).toBeCloseTo(p.baselineCtr, 9);
    }
    const s = summariseDataset(sim.dataset());
    expect(s.clicks / s.impressions).toBeGreaterThan(0.025);
    expect(s.clicks / s.impressions).toBeLessThan(0.045);
  });

  it.each([0, 0.3, 0.7])('gives the features the requested share R² = %s of the within-product logit variance', (share) => {
    const sim = new ClickSimulator({ ...small, productCount: 600, learnableShare: share });
    const g = sim.images.map((im) => sim.truth(im.imageId).learnableLogit);
    const e = sim.images.map((im) => sim.truth(im.imageId).noiseLogit);
    const total = variance(g.map((x, i) => x + e[i]!));
    expect(variance(g) / total).toBeCloseTo(share, 1);
    expect(Math.sqrt(total)).toBeCloseTo(sim.options.withinProductLogitSd, 0);
  });

  it('draws realistic feature marginals over the canonical names', () => {
    const sim = new ClickSimulator({ ...small, productCount: 400 });
    const col = (name: (typeof simFeatureNames)[number]) => sim.images.map((im) => im.features[name]);
    const median = (xs: number[]) => xs.toSorted((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    expect(median(col('sharpness'))).toBeGreaterThan(100);
    expect(median(col('sharpness'))).toBeLessThan(500);
    expect(col('fillRatio').every((x) => x > 0 && x < 0.9)).toBe(true);
    expect(col('borderWhiteRatio').every((x) => x >= 0 && x <= 1)).toBe(true);
    expect(col('textAreaRatio').filter((x) => x === 0).length / sim.images.length).toBeCloseTo(0.7, 1);
    expect(col('subjectCount').every((x) => Number.isInteger(x) && x >= 1)).toBe(true);
    expect(sim.dataset().featureNames).toEqual(simFeatureNames);
  });

  it('logs every image every day, with clicks never above impressions', () => {
    const sim = new ClickSimulator(small);
    const log = sim.clickLog();
    expect(log).toHaveLength(sim.images.length * small.days);
    expect(log.every((r) => r.clicks >= 0 && r.clicks <= r.impressions)).toBe(true);
  });

  it('replays traffic: a policy showing the best image earns more clicks than round-robin on the same shoppers', () => {
    const sim = new ClickSimulator(small);
    let i = 0;
    const roundRobin: ReplayPolicy = { choose: (c) => c.candidates[i++ % c.candidates.length]!.imageId };
    const best: ReplayPolicy = {
      choose: (c) => c.candidates.reduce((b, im) => (sim.truth(im.imageId).trueCtr > sim.truth(b.imageId).trueCtr ? im : b)).imageId,
    };
    const a = sim.replay(roundRobin, { days: 2 });
    const b = sim.replay(best, { days: 2 });
    expect(b.impressions).toBe(a.impressions); // the same shoppers
    expect(b.clicks).toBeGreaterThan(a.clicks * 1.5);
    expect(b.expectedClicks).toBeCloseTo(b.bestExpectedClicks, 6);
    expect(a.expectedClicks).toBeLessThan(a.bestExpectedClicks);
    expect([...a.byImage.values()].reduce((s, t) => s + t.impressions, 0)).toBe(a.impressions);
  });

  it('lets a policy learn from feedback and rejects a choice outside the candidates', () => {
    const sim = new ClickSimulator(small);
    let heard = 0;
    sim.replay({ choose: (c) => c.candidates[0]!.imageId, observe: () => heard++ }, { days: 1, trafficScale: 0.1 });
    expect(heard).toBeGreaterThan(0);
    expect(() => sim.replay({ choose: () => 'nope' }, { days: 1 })).toThrow(/not a candidate/);
  });
});
