export { buildApp, type BuildAppOptions } from './app.ts';
export { WorkerPool, type WorkerPoolOptions } from './launcher/worker-pool.ts';
// The month simulation behind `pnpm report:cost` (bench/src/report-cost.ts), priced as the ledger prices.
export { eligibleRecipes, hostedPerLive, hostedPrices, simulateTypeMonth, type MonthAssumptions, type TypeMonth } from './services/costs/month-simulation.ts';
export { pricingFrom, type Pricing } from './services/recipes/recipe-estimate.ts';
// The launch report ZIP, streamed (bench/src/benchmarks/launch-report-zip.ts measures its memory at 2,000 SKUs).
export { reportZipStream } from './services/launches/launch-report.ts';
