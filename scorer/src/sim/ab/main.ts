// `pnpm sim:ab`: the A/B rollout's policies on the click simulator, then replayed on real logged traffic
// (the Open Bandit Dataset sample in ../shared/fixtures). Options: --quick (smaller grid), --products N (50),
// --days N (30), --periods-per-day N (4), --bootstrap N (100, the Open Bandit intervals).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { fitPriorStrength, meanInterval, wilsonInterval } from '@shotfarm/shared/bandit';
import { SeededRandom } from '@shotfarm/shared/random';
import type { LogisticParams } from '../../ctr/logistic-ctr-model.ts';
import { abPolicyNames, fitStrengthFromHistory, simulateCell, type AbPolicyName, type ProductOutcome } from './ab-simulation.ts';
import { bootstrapLog, ipsThompson, loggedCtr, percentileInterval, readOpenBanditLog, replayThompson } from './open-bandit-replay.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const fixtures = path.resolve(here, '../../../../../shared/fixtures/data/open-bandit-dataset');
const { values } = parseArgs({ options: {
  quick: { type: 'boolean' }, products: { type: 'string' }, days: { type: 'string' }, 'periods-per-day': { type: 'string' }, bootstrap: { type: 'string' },
} });
const quick = values.quick === true;
const products = Number(values.products ?? (quick ? 20 : 50));
const days = Number(values.days ?? 30);
const periodsPerDay = Number(values['periods-per-day'] ?? 4);
const ks = quick ? [4, 8] : [4, 8, 16];
const r2s = quick ? [0, 0.7] : [0, 0.3, 0.7];
const traffics = quick ? [2000] : [200, 2000, 20_000];
const boots = Number(values.bootstrap ?? (quick ? 30 : 100));

const model = JSON.parse(await readFile(path.resolve(here, '../../../models/ctr-v1.json'), 'utf8')) as LogisticParams;
const started = Date.now();
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const ci = (m: { mean: number; low: number; high: number }, f: (x: number) => string) => `${f(m.mean)} [${f(m.low)}, ${f(m.high)}]`;
const num = (d: number) => (x: number) => x.toFixed(d);
const int = (x: number) => Math.round(x).toLocaleString('en-US');

console.log(`A/B rollout policies on the click simulator (${quick ? 'QUICK run' : 'full run'}): K ∈ {${ks.join(', ')}}, R² ∈ {${r2s.join(', ')}}, `
  + `${traffics.map(int).join(' / ')} impressions per product-day, ${days} days, ${products} seeded products per cell, weights recomputed ${periodsPerDay}× a day.`);
console.log('Intervals: 95% across products (mean ± 1.96 s.e.; Wilson for proportions). Decision: P(best) ≥ 0.95 after every arm has 100 impressions;');
console.log('the A/B test decides at its fixed horizon (80% power for a 10% lift, 5% two-sided, Bonferroni), else picks the best observed arm at the end.');
const strength = new Map(r2s.map((r2) => [r2, fitStrengthFromHistory(r2, model, 9000 + Math.round(r2 * 10), fitPriorStrength)]));
console.log(`Scorer prior strength m by empirical Bayes on 120 finished products per R²: ${r2s.map((r2) => `R² ${r2}: m = ${strength.get(r2)!.toFixed(1)}`).join(', ')}\n`);

interface Verdict { r2: number; k: number; traffic: number; regretDiff: { mean: number; low: number; high: number }; saved: { mean: number; low: number; high: number } }
const verdicts: Verdict[] = [];
let cellSeed = 100;
for (const r2 of r2s) for (const k of ks) for (const traffic of traffics) {
  const results = simulateCell({ k, r2, dailyImpressions: traffic, products, days, periodsPerDay, seed: cellSeed++, priorStrength: strength.get(r2)! }, model);
  console.log(`── K = ${k}, R² = ${r2}, ${int(traffic)} impressions/day ──`);
  console.log('policy                     regret/1000 imp.         traffic on best          P(promote best)          impressions to decision      false promotions');
  for (const name of abPolicyNames) {
    const rs = results.get(name)!;
    const decided = rs.filter((r) => r.decided);
    const correct = rs.filter((r) => r.correct).length;
    const wrong = decided.length - correct;
    const pc = wilsonInterval(correct, rs.length);
    const fp = wilsonInterval(wrong, decided.length);
    console.log(`${name.padEnd(26)} ${ci(meanInterval(rs.map((r) => r.regretPer1000)), num(2)).padEnd(24)} ${ci(meanInterval(rs.map((r) => r.bestShare)), pct).padEnd(24)} `
      + `${`${pct(correct / rs.length)} [${pct(pc.low)}, ${pct(pc.high)}]`.padEnd(24)} ${ci(meanInterval(rs.map((r) => r.decisionImpressions)), int).padEnd(28)} `
      + `${decided.length > 0 ? `${pct(wrong / decided.length)} [${pct(fp.low)}, ${pct(fp.high)}] of ${decided.length}` : 'no decision'}`);
  }
  const diff = (a: AbPolicyName, b: AbPolicyName, f: (r: ProductOutcome) => number) => meanInterval(results.get(a)!.map((r, i) => f(r) - f(results.get(b)![i]!)));
  const regretDiff = diff('Thompson Beta(1,1)', 'Thompson scorer prior', (r) => r.regretPer1000);
  const saved = diff('uniform A/B then pick', 'Thompson Beta(1,1)', (r) => r.decisionImpressions);
  verdicts.push({ r2, k, traffic, regretDiff, saved });
  console.log(`  regret Beta(1,1) − scorer prior (paired): ${ci(regretDiff, num(3))}; impressions saved by Thompson vs fixed-horizon A/B: ${ci(saved, int)}\n`);
}

console.log('Scorer prior against Beta(1,1), regret per 1,000 impressions (positive: the prior loses fewer clicks):');
for (const v of verdicts) {
  const verdict = v.regretDiff.low > 0 ? 'prior better' : v.regretDiff.high < 0 ? 'PRIOR WORSE' : 'no significant difference';
  console.log(`  R² ${v.r2}, K ${String(v.k).padStart(2)}, ${int(v.traffic).padStart(6)}/day: ${ci(v.regretDiff, num(3)).padEnd(28)} ${verdict}`);
}
const byR2 = (r2: number) => meanInterval(verdicts.filter((v) => v.r2 === r2).map((v) => v.regretDiff.mean));
for (const r2 of r2s) console.log(`  mean over cells at R² ${r2}: ${ci(byR2(r2), num(3))}`);
console.log(`Simulation took ${((Date.now() - started) / 1000).toFixed(1)} s.\n`);

// — Real logged traffic: the Open Bandit Dataset sample ("men" campaign, 34 items), uniform-random and Bernoulli TS logs.
const random = await readOpenBanditLog(path.join(fixtures, 'random-men.csv'));
const bts = await readOpenBanditLog(path.join(fixtures, 'bts-men.csv'));
const items = Math.max(...random.map((r) => r.item), ...bts.map((r) => r.item)) + 1;
const rng = new SeededRandom(7, 'obd-bootstrap');
const replays: number[] = [];
const matched: number[] = [];
const ips: number[] = [];
for (let b = 0; b < boots; b++) {
  const sample = bootstrapLog(random, rng);
  const r = replayThompson(sample, items, 1000 + b);
  replays.push(r.ctr); matched.push(r.matched);
  ips.push(ipsThompson(sample, items, 5000 + b));
}
const uniform = loggedCtr(random);
console.log(`Open Bandit Dataset sample (st-tech/zr-obp, men campaign: ${items} items, ${random.length.toLocaleString('en-US')} uniform-random rounds, ${bts.length.toLocaleString('en-US')} Bernoulli-TS rounds); ${boots} bootstrap resamples:`);
console.log(`  CTR logged by the uniform-random policy:            ${ci(uniform, (x) => `${(100 * x).toFixed(3)}%`)}`);
console.log(`  CTR logged by Bernoulli Thompson in the campaign:   ${ci(loggedCtr(bts), (x) => `${(100 * x).toFixed(3)}%`)}`);
console.log(`  Thompson Beta(1,1), replay estimate on random logs: ${ci(percentileInterval(replays), (x) => `${(100 * x).toFixed(3)}%`)} (≈${Math.round(meanInterval(matched).mean)} matched rounds per replay)`);
console.log(`  Thompson by P(best), inverse-propensity estimate:   ${ci(percentileInterval(ips), (x) => `${(100 * x).toFixed(3)}%`)}`);
console.log(`Total ${((Date.now() - started) / 1000).toFixed(1)} s.`);
