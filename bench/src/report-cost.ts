// `pnpm report:cost`: a simulated month of a shop on Shotfarm — ¥ per live image for product-shot, model-swap and
// short-video, every assumption printed, next to what hosted services would charge for the same images.
import { formatYuan, shippedPriceBook } from '@shotfarm/shared/costs';
import { JobType } from '@shotfarm/shared';
import { loadConfig } from '@shotfarm/shared/config';
import { ClickSimulator, defaultClickSimulatorOptions } from '@shotfarm/scorer/simulation';
import { recipes } from '@shotfarm/workflows';
import { eligibleRecipes, hostedPerLive, hostedPrices, pricingFrom, simulateTypeMonth, type MonthAssumptions } from '@shotfarm/studio';

const yuan = (milliFen: number): string => formatYuan(milliFen, 'en').replace('CN¥', '¥');
const book = shippedPriceBook();
// The environment's price overrides apply as they would on this farm (COMFYUI_URLS fenPerHour, REPLICATE_FEN_PER_HOUR).
const config = loadConfig({ ...process.env, DATA_DIR: process.env.DATA_DIR ?? '/tmp/shotfarm-report-cost', URL_SIGNING_SECRET: 'r'.repeat(32), SESSION_SECRET: 's'.repeat(32) });
const pricing = pricingFrom(book, config);

// The click simulator's market: each product's candidates are A/B/n tested and one wins and stays live.
const sim = new ClickSimulator();
const candidatesPerLiveMilli = Math.round((sim.images.length * 1000) / sim.products.length);
const winRatePerMille = Math.round(1_000_000 / candidatesPerLiveMilli);

const a: MonthAssumptions = {
  liveTarget: { 'product-shot': 3000, 'model-swap': 1000, 'short-video': 300 },
  candidatesPerLiveMilli,
  gatePassPerMille: 500,
  failedRunsPerMille: 50,
  gpuUtilisationPerMille: 600,
  bytesPerImage: 1_500_000,
  bytesPerVideo: 4_000_000,
  storageDays: 90,
  secondsPerVideo: 5,
};

const out: string[] = [];
const say = (line = '') => out.push(line);
say('Shotfarm: a simulated month — ¥ per live image');
say('='.repeat(60));
say();
say('Assumptions');
say(`  live images a month: ${Object.entries(a.liveTarget).map(([t, n]) => `${t} ${n}`).join(', ')} (a mid-sized shop; change in bench/src/report-cost.ts)`);
say(`  candidates per live image: ${(candidatesPerLiveMilli / 1000).toFixed(3)} — the click simulator (seed ${defaultClickSimulatorOptions.seed}, ${sim.products.length} products, K ∈ {${defaultClickSimulatorOptions.candidateCounts.join(', ')}}): each product's candidates are A/B/n tested and one wins (win rate ${(winRatePerMille / 10).toFixed(1)}%)`);
say(`  quality-gate pass rate: ${a.gatePassPerMille / 10}% of generated images (the router's prior until a recipe has history)`);
say(`  failed runs: ${a.failedRunsPerMille / 10}% of runs fail and are re-run; a failed run holds the hardware for half a run`);
say(`  rented GPU utilisation: ${a.gpuUtilisationPerMille / 10}% busy while up; the idle rest is billed and spread over the images (Replicate: no idle)`);
say(`  render time per run: each recipe's own GPU-seconds estimate (its manifest; not measured here)`);
say(`  storage: ${a.bytesPerImage / 1e6} MB an image, ${a.bytesPerVideo / 1e6} MB a ${a.secondsPerVideo}-s video, kept ${a.storageDays} days, at ${yuan(book.storagePerGbMonth.milliFen)}/GB-month (${book.storagePerGbMonth.source})`);
say(`  routing: among published, commercially usable recipes of each type, backend "auto" (cheapest expected cost per accepted image)`);
say(`  USD→CNY: ${(book.usdToCny.milliFenPerUsd / 100_000).toFixed(2)} (${book.usdToCny.source}, ${book.usdToCny.date})`);
say(`  prices (shipped price book, version 1):`);
say(`    ComfyUI rented GPU (a server the book does not name): ${yuan(book.comfyui.defaultPerHour.milliFen)}/h — ${book.comfyui.defaultPerHour.source} (${book.comfyui.defaultPerHour.date})`);
if (pricing.comfyServers.length > 0) say(`    COMFYUI_URLS is set: its ${pricing.comfyServers.length} servers are priced by their fenPerHour, name or GPU type instead`);
for (const [model, p] of Object.entries(book.replicate.perOutput)) say(`    Replicate ${model}: ${yuan(p.milliFen)} per output — ${p.source} (${p.date})`);
const hw = book.replicate.hardwarePerHour[book.replicate.defaultHardware]!;
say(`    Replicate ${book.replicate.defaultHardware} (per-second models): ${yuan(hw.milliFen)}/h — ${hw.source} (${hw.date})`);
say(`  every price in the book carries a source and a date; "as recalled" prices should be re-read before relying on them`);
say();

const hosted = hostedPrices(book);
let failed = false;
for (const type of JobType.options) {
  const month = simulateTypeMonth(type, eligibleRecipes(recipes.values(), type), pricing, a);
  say(`${type}`);
  say('-'.repeat(60));
  if (!month) {
    say('  no commercially usable GPU recipe of this type');
    failed = true;
    continue;
  }
  say(`  route: ${month.recipe} on ${month.backend} — ${month.reason}`);
  for (const alt of month.alternatives) say(`    alternative: ${alt.recipe} on ${alt.backend}, ${yuan(alt.perRunMilliFen)} a run`);
  say(`  a run: ${month.secondsPerRun} s, ${yuan(month.perRunMilliFen)} (${month.rateSource})`);
  say(`  month: ${a.liveTarget[type]} live ← ${month.generated} generated (${month.runs} runs, ${month.failedRuns} failed and re-run)`);
  say(`  spend: compute ${yuan(month.compute)} + failed runs ${yuan(month.failures)} + idle GPU ${yuan(month.idle)} + storage ${yuan(month.storage)} = ${yuan(month.total)}`);
  say(`  per generated image ${yuan(month.perGenerated)}; per live ${type === 'short-video' ? 'video' : 'image'} ${yuan(month.perLive)} `
    + `(${month.perLive < book.targetPerLiveImage.milliFen ? 'under' : 'OVER'} the ${yuan(book.targetPerLiveImage.milliFen)} target)`
    + (month.perVideoSecond !== null ? `; per live video second ${yuan(month.perVideoSecond)}` : ''));
  const theirs = hosted.filter((h) => h.type === type);
  if (theirs.length === 0) say('  hosted alternative: none with a public per-item price in ../shared/MODELS.md');
  for (const h of theirs) {
    const perLive = hostedPerLive(h.milliFenPerImage, a);
    const savingPerMille = perLive > 0 ? Math.round(((perLive - month.perLive) * 1000) / perLive) : 0;
    const pct = (Math.abs(savingPerMille) / 10).toFixed(1);
    say(`  vs ${h.service} at ${h.quoted} an image: ${yuan(perLive)} per live image for the same funnel — Shotfarm ${savingPerMille >= 0 ? `saves ${pct}%` : `costs ${pct}% more`}`);
  }
  say();
}
say('Hosted prices are as ../shared/MODELS.md states them (third-party or vendor pages, dates unknown there).');
process.stdout.write(`${out.join('\n')}\n`);
if (failed) process.exitCode = 1;
