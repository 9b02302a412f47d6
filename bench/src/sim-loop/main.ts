// `pnpm sim:loop`: the learning loop end to end through the real API (see learning-loop.ts), simulated days on a
// simulated market. Options: --seeds N (1: markets per R² for the day-by-day table), --r2 0.3,0.7 (learnable shares),
// --days N (30), --fp-seeds N (20: markets at R² = 0 for the false-promotion rate; 0 skips), --fp-days N (the days),
// --products-per-day N (8), --candidates N (6), --arms N (4), --impressions N (300 per live product and day),
// --holdout-days N (5), --agreement x (0.3: how far the market's shoppers agree with the simulator's assumptions),
// --fp-impressions N (100: shoppers per live product and day in the false-promotion sweep).
import { parseArgs } from 'node:util';
import { meanInterval, wilsonInterval } from '@shotfarm/shared/bandit';
import { defaultLoopSpec, runLearningLoop, type LoopDay, type LoopResult, type LoopSpec } from './learning-loop.ts';

const { values } = parseArgs({ options: {
  seeds: { type: 'string' }, r2: { type: 'string' }, days: { type: 'string' }, 'fp-seeds': { type: 'string' }, 'fp-days': { type: 'string' },
  'products-per-day': { type: 'string' }, candidates: { type: 'string' }, arms: { type: 'string' }, impressions: { type: 'string' },
  'holdout-days': { type: 'string' }, agreement: { type: 'string' }, 'fp-impressions': { type: 'string' },
} });
const num = (v: string | undefined, d: number) => {
  if (v === undefined) return d;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`not a number: ${v}`);
  return n;
};
const base: Omit<LoopSpec, 'seed' | 'r2'> = {
  ...defaultLoopSpec,
  days: num(values.days, defaultLoopSpec.days),
  productsPerDay: num(values['products-per-day'], defaultLoopSpec.productsPerDay),
  candidates: num(values.candidates, defaultLoopSpec.candidates),
  arms: num(values.arms, defaultLoopSpec.arms),
  impressionsPerProductDay: num(values.impressions, defaultLoopSpec.impressionsPerProductDay),
  holdoutDays: num(values['holdout-days'], defaultLoopSpec.holdoutDays),
  agreement: num(values.agreement, defaultLoopSpec.agreement),
};
const seeds = num(values.seeds, 1);
const r2s = (values.r2 ?? '0.3,0.7').split(',').map((x) => num(x, 0));
const fpSeeds = num(values['fp-seeds'], 20);
const fpDays = num(values['fp-days'], base.days);
// The sweep's markets get less traffic and one allocation update a day, to fit 20 markets in minutes; under the null
// a calibrated comparison's chance of a false win does not depend on the traffic.
const fpImpressions = num(values['fp-impressions'], 100);

const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
const ci = (m: { mean: number; low: number; high: number }) => `${pct(m.mean)} [${pct(m.low)}, ${pct(m.high)}]`;
const pp = (m: { mean: number; low: number; high: number }) => `${(100 * m.mean).toFixed(2)} [${(100 * m.low).toFixed(2)}, ${(100 * m.high).toFixed(2)}] pp`;
const started = Date.now();

console.log(`Learning loop on a simulated market, through the API in this process (redis-server, PGlite, BullMQ, the scorer's train worker).`);
console.log(`Each day ${base.productsPerDay} products launch with ${base.candidates} candidates; the active model's top ${base.arms} are A/B-tested (Thompson) on /serve for ${base.liveDays} days;`);
console.log(`${base.impressionsPerProductDay} shoppers per live product a day ask /serve, click with the image's true CTR, and post to /events; weights recomputed ${base.periodsPerDay}× a day;`);
console.log(`each night POST /api/models/train (last ${base.holdoutDays} days held out; promoted only when the paired bootstrap intervals of AUC and log-loss gain exclude zero,`);
console.log('at 1 − 0.1/(k(k+1)) two-sided confidence for the k-th candidate compared with the same active version: α-spending, ≤ 5% over any number of nights).');
console.log(`The market's shoppers agree with the simulator the shipped ctr-v1 was trained on to ${base.agreement} (correlation of the feature effects).`);
console.log('Columns: mean TRUE CTR of the image each policy puts live at launch (its top pick of the candidates): the learning loop\'s active model,');
console.log('the frozen ctr-v1 (simulator-trained, never retrained), a random pick;');
console.log('intervals: 95% over the day\'s products (mean ± 1.96 s.e.); Δ = loop − frozen, paired.\n');

function dayLine(d: LoopDay): string {
  const c = d.cohort;
  const r = d.retrain;
  const night = r ? `night: v${r.version} ${r.decision}${r.promoted ? ' → PROMOTED' : ''} (AUC gain ${r.aucGain.toFixed(3)} [${r.aucGainCi95[0].toFixed(3)}, ${r.aucGainCi95[1].toFixed(3)}])` : 'night: too few days to train';
  return `day ${String(d.day + 1).padStart(2)} ctr-v${d.activeVersion}  loop ${ci(meanInterval(c.map((p) => p.loop)))}  frozen ${ci(meanInterval(c.map((p) => p.frozen)))}  `
    + `random ${ci(meanInterval(c.map((p) => p.random)))}  Δ ${pp(meanInterval(c.map((p) => p.loop - p.frozen)))}  served ${d.impressions} imp. ${d.clicks} clicks  ${night}`;
}

function lateWindow(results: readonly LoopResult[], from: number) {
  const products = results.flatMap((r) => r.days.filter((d) => d.day >= from).flatMap((d) => d.cohort));
  return {
    loop: meanInterval(products.map((p) => p.loop)), frozen: meanInterval(products.map((p) => p.frozen)), random: meanInterval(products.map((p) => p.random)),
    diff: meanInterval(products.map((p) => p.loop - p.frozen)), n: products.length,
  };
}

const verdicts: string[] = [];
for (const r2 of r2s) {
  const results: LoopResult[] = [];
  for (let s = 0; s < seeds; s++) {
    const spec: LoopSpec = { ...base, seed: 1000 + s, r2 };
    console.log(`── R² = ${r2}, market seed ${spec.seed} ──`);
    const t0 = Date.now();
    const result = await runLearningLoop(spec, (d) => console.log(dayLine(d)));
    results.push(result);
    console.log(`  ${result.promotions} promotion(s); /events accepted ${result.eventTotals.impressions} impressions, ${result.eventTotals.clicks} clicks; `
      + `training data: ${result.trainingTotals.rows} rows, ${result.trainingTotals.impressions} impressions, ${result.trainingTotals.clicks} clicks; ${((Date.now() - t0) / 1000).toFixed(0)} s\n`);
  }
  const from = Math.max(0, base.days - 10);
  const w = lateWindow(results, from);
  const beats = w.diff.low > 0;
  const line = `R² = ${r2}: days ${from + 1}–${base.days}, ${w.n} launched products over ${seeds} market(s): loop ${ci(w.loop)}, frozen ${ci(w.frozen)}, random ${ci(w.random)}; `
    + `loop − frozen ${pp(w.diff)} → ${beats ? 'the loop BEATS the frozen model' : 'no significant gain over the frozen model'}`;
  verdicts.push(line);
}

let fpLine = 'false-promotion sweep skipped (--fp-seeds 0)';
if (fpSeeds > 0) {
  console.log(`── R² = 0 (features explain nothing: every promotion is a false one), ${fpSeeds} markets × ${fpDays} days ──`);
  let promotedMarkets = 0, decisions = 0, promotions = 0;
  for (let s = 0; s < fpSeeds; s++) {
    const t0 = Date.now();
    const result = await runLearningLoop({ ...base, days: fpDays, impressionsPerProductDay: fpImpressions, periodsPerDay: 1, seed: 2000 + s, r2: 0 });
    const nights = result.days.filter((d) => d.retrain !== null);
    decisions += nights.length;
    promotions += result.promotions;
    if (result.promotions > 0) promotedMarkets++;
    const widest = nights.reduce((m, d) => Math.max(m, d.retrain!.aucGainCi95[0]), Number.NEGATIVE_INFINITY);
    console.log(`  seed ${2000 + s}: ${nights.length} nightly decisions, ${result.promotions} promotion(s), highest lower AUC-gain bound ${Number.isFinite(widest) ? widest.toFixed(3) : 'n/a'}; ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  }
  const perMarket = wilsonInterval(promotedMarkets, fpSeeds);
  const perDecision = wilsonInterval(promotions, decisions);
  fpLine = `R² = 0: false promotions in ${promotedMarkets} of ${fpSeeds} markets (${pct(promotedMarkets / fpSeeds)}, 95% [${pct(perMarket.low)}, ${pct(perMarket.high)}]); `
    + `${promotions} of ${decisions} nightly decisions (${pct(promotions / Math.max(1, decisions))}, 95% [${pct(perDecision.low)}, ${pct(perDecision.high)}])`;
}

console.log('\n── Summary ──');
for (const v of verdicts) console.log(v);
console.log(fpLine);
console.log(`Total ${((Date.now() - started) / 1000).toFixed(0)} s.`);
