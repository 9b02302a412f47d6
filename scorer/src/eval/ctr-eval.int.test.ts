import { describe, expect, it } from 'vitest';
import { evaluateOnOpenBandit, evaluateOnSimulator, runCtrEval, simulatorAucTarget } from './ctr-eval.ts';

describe('CTR evaluation (full-size simulator, real Open Bandit logs)', () => {
  it('meets the issue target at R² = 0.7: within-product AUC ≥ 0.75, 95% CI above 0.5, close to the learnable ceiling', () => {
    const e = evaluateOnSimulator(0.7);
    expect(e.metrics.withinProductAuc).toBeGreaterThanOrEqual(simulatorAucTarget);
    expect(e.metrics.withinProductAucCi95[0]).toBeGreaterThan(0.5);
    expect(e.metrics.withinProductAuc).toBeGreaterThan(e.learnableAuc - 0.02);
    expect(e.metrics.pairwiseAccuracy).toBeGreaterThan(0.8);
    expect(e.metrics.expectedCalibrationError).toBeLessThan(0.02);
  });

  it('finds nothing where there is nothing: at R² = 0 the interval contains 0.5', () => {
    const e = evaluateOnSimulator(0);
    expect(e.metrics.withinProductAucCi95[0]).toBeLessThan(0.5);
    expect(e.metrics.withinProductAucCi95[1]).toBeGreaterThan(0.5);
  });

  it('trains and evaluates on the real logged clicks, with an honest, wide interval', async () => {
    const e = await evaluateOnOpenBandit();
    expect(e.metrics.trainClicks + e.metrics.testClicks).toBe(115);
    expect(e.metrics.withinProductAuc).toBeGreaterThan(0.3);
    expect(e.metrics.withinProductAuc).toBeLessThan(0.8);
    expect(e.metrics.withinProductAucCi95[0]).toBeLessThan(e.metrics.withinProductAuc);
    expect(e.metrics.withinProductAucCi95[1]).toBeGreaterThan(e.metrics.withinProductAuc);
    expect(e.trainAuc).toBeGreaterThan(0.55); // the fit does find structure in its own days
  });

  it('reports PASS with every R² row and the real-log section', async () => {
    const r = await runCtrEval();
    expect(r.pass).toBe(true);
    const text = r.lines.join('\n');
    expect(text).toMatch(/target at R² = 0\.7: AUC ≥ 0\.75 and CI excludes 0\.5 → PASS/);
    for (const share of ['0.7', '0.3', '0.0']) expect(text).toMatch(new RegExp(`^  ${share.replace('.', '\\.')}   0\\.\\d{3}`, 'm'));
    expect(text).toMatch(/Open Bandit Dataset sample .* 20,000 impressions, 115 clicks/);
  });
});
