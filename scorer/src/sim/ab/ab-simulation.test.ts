import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { bestArmProbabilities, posterior } from '@shotfarm/shared/bandit';
import type { LogisticParams } from '../../ctr/logistic-ctr-model.ts';
import { fixedHorizonPerArm, simulateCell } from './ab-simulation.ts';
import { gaussianBestArm, normalQuantile } from './gaussian-best-arm.ts';
import { loggedCtr, readOpenBanditLog, replayThompson } from './open-bandit-replay.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const model = JSON.parse(readFileSync(path.resolve(here, '../../../models/ctr-v1.json'), 'utf8')) as LogisticParams;
const obd = path.resolve(here, '../../../../../shared/fixtures/data/open-bandit-dataset');

describe('A/B policy simulation', () => {
  it('computes P(best) by quadrature close to the Monte Carlo answer', () => {
    const posteriors = [[2000, 90], [2000, 80], [2000, 60]].map(([n, c]) => posterior({ alpha: 1, beta: 1 }, n!, c!));
    const quad = gaussianBestArm(posteriors);
    const mc = bestArmProbabilities(posteriors, { draws: 20_000 }).pBest;
    quad.forEach((p, i) => expect(p).toBeCloseTo(mc[i]!, 1));
    expect(quad.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 5);
  });

  it('sizes the fixed-horizon test as the textbook formula does', () => {
    // p = 3.5%, 10% lift, two arms: (1.96 + 0.84)² · 2p(1−p) / (0.0035)² ≈ 43,000 per arm.
    expect(fixedHorizonPerArm(0.035, 2)).toBeGreaterThan(42_000);
    expect(fixedHorizonPerArm(0.035, 2)).toBeLessThan(44_000);
    expect(fixedHorizonPerArm(0.035, 8)).toBeGreaterThan(fixedHorizonPerArm(0.035, 2));
  });

  it('loses fewer clicks with Thompson sampling than with a uniform split, on the same shoppers', () => {
    const results = simulateCell({ k: 4, r2: 0.7, dailyImpressions: 2000, products: 6, days: 5, periodsPerDay: 4, seed: 3, priorStrength: 15 }, model);
    const mean = (name: Parameters<typeof results.get>[0]) => results.get(name)!.reduce((s, r) => s + r.regretPer1000, 0) / 6;
    expect(mean('Thompson Beta(1,1)')).toBeLessThan(mean('uniform A/B then pick'));
    expect(mean('Thompson scorer prior')).toBeLessThan(mean('uniform A/B then pick'));
    for (const rs of results.values()) for (const r of rs) expect(r.impressions).toBeGreaterThan(5 * 1500);
  });
});

describe('Open Bandit replay', () => {
  it('reads the logs and matches about 1 in 34 rounds on uniform logs', async () => {
    const random = await readOpenBanditLog(path.join(obd, 'random-men.csv'));
    expect(random).toHaveLength(10_000);
    expect(random.every((r) => r.propensity > 0 && r.item >= 0 && r.item < 34)).toBe(true);
    const ctr = loggedCtr(random);
    expect(ctr.mean).toBeGreaterThan(0.001);
    expect(ctr.mean).toBeLessThan(0.02);
    const replay = replayThompson(random, 34, 1);
    expect(replay.matched).toBeGreaterThan(200);
    expect(replay.matched).toBeLessThan(400);
  });
});
