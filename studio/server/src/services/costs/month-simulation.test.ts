import { describe, expect, it } from 'vitest';
import { shippedPriceBook } from '@shotfarm/shared/costs';
import { loadConfig } from '@shotfarm/shared/config';
import { recipes } from '@shotfarm/workflows';
import { pricingFrom } from '../recipes/recipe-estimate.ts';
import { eligibleRecipes, hostedPerLive, hostedPrices, simulateTypeMonth, type MonthAssumptions } from './month-simulation.ts';

const config = loadConfig({ DATA_DIR: '/tmp/shotfarm-month-test', URL_SIGNING_SECRET: 'x'.repeat(32), SESSION_SECRET: 'y'.repeat(32) });
const pricing = pricingFrom(shippedPriceBook(), config);
const a: MonthAssumptions = {
  liveTarget: { 'product-shot': 100, 'model-swap': 10, 'short-video': 10 }, candidatesPerLiveMilli: 8_000, gatePassPerMille: 500,
  failedRunsPerMille: 100, gpuUtilisationPerMille: 500, bytesPerImage: 1_000_000, bytesPerVideo: 4_000_000, storageDays: 30, secondsPerVideo: 5,
};

describe('the simulated month', () => {
  it('counts the funnel back from the live target and adds up every part, in integers', () => {
    const m = simulateTypeMonth('product-shot', eligibleRecipes(recipes.values(), 'product-shot'), pricing, a)!;
    expect(m.generated).toBe(1600); // 100 live × 8 candidates ÷ 50 % passing the gate
    expect(m.failedRuns).toBe(160);
    expect(m.compute).toBe(m.runs * m.perRunMilliFen);
    expect(m.idle).toBe(m.compute + m.failures); // 50 % utilisation: as much idle as busy
    expect(m.total).toBe(m.compute + m.failures + m.idle + m.storage);
    expect(m.perLive).toBe(Math.round(m.total / 100));
    for (const v of [m.compute, m.failures, m.idle, m.storage, m.total, m.perLive]) expect(Number.isInteger(v)).toBe(true);
  });

  it('routes only among commercially usable recipes, and prices hosted services through the same funnel', () => {
    const m = simulateTypeMonth('model-swap', eligibleRecipes(recipes.values(), 'model-swap'), pricing, a)!;
    expect(recipes.get(m.recipe)!.commercialUse).toBe(true);
    const alibaba = hostedPrices(pricingFrom(shippedPriceBook(), config).book).find((h) => h.service === 'Alibaba Model Studio try-on')!;
    expect(hostedPerLive(alibaba.milliFenPerImage, a)).toBe(320_000); // ¥0.20 × 16 images per live image
  });
});
