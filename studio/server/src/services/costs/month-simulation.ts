import { chargeForStorage, chooseRoute, mulDivRound, type RouteCandidate } from '@shotfarm/shared/costs';
import type { JobType, PriceBookContent } from '@shotfarm/shared';
import type { Recipe } from '@shotfarm/workflows';
import { estimateMilliFenPerTask, rateOf, type Pricing } from '../recipes/recipe-estimate.ts';

/** Everything the simulated month assumes; the report prints each. */
export interface MonthAssumptions {
  /** Images (videos) that go live in a month, per job type. */
  liveTarget: Record<JobType, number>;
  /** Candidates one live image is picked from, in thousandths (the click simulator's mean candidates per product: its A/B/n test picks one winner). */
  candidatesPerLiveMilli: number;
  /** Images that pass the quality gate, per mille of those generated (the router's prior until history exists). */
  gatePassPerMille: number;
  /** Runs that fail and are re-run, per mille; a failed run holds the hardware for half a run on average. */
  failedRunsPerMille: number;
  /** Busy share of a rented GPU's up time, per mille: the rest is idle, billed all the same. */
  gpuUtilisationPerMille: number;
  /** Bytes stored per image / per video, and days kept. */
  bytesPerImage: number;
  bytesPerVideo: number;
  storageDays: number;
  /** Seconds of one generated video. */
  secondsPerVideo: number;
}

export interface TypeMonth {
  type: JobType;
  recipe: string;
  backend: string;
  reason: string;
  alternatives: { recipe: string; backend: string; perRunMilliFen: number }[];
  secondsPerRun: number;
  perRunMilliFen: number;
  rateSource: string;
  generated: number;
  runs: number;
  failedRuns: number;
  compute: number;
  failures: number;
  idle: number;
  storage: number;
  total: number;
  perGenerated: number;
  perLive: number;
  perVideoSecond: number | null;
}

/** Recipes a shop may use (published, commercially usable), by job type. */
export function eligibleRecipes(recipes: Iterable<Recipe>, type: JobType): Recipe[] {
  return [...recipes].filter((r) => r.type === type && r.commercialUse && r.backend !== 'local' && r.manifest?.status !== 'draft');
}

/**
 * One job type's month: route as `backend: "auto"` would (cheapest per accepted image, equal gate priors), then
 * count the funnel back from the live target — candidates per live image ÷ gate pass rate — and price compute,
 * failed runs, idle rented GPU time and storage, all in integer milli-fen.
 */
export function simulateTypeMonth(type: JobType, recipes: readonly Recipe[], pricing: Pricing, a: MonthAssumptions): TypeMonth | null {
  const candidates = recipes.map((recipe) => ({
    recipe, recipeId: recipe.id, backend: recipe.backend, perTaskMilliFen: estimateMilliFenPerTask(recipe, pricing),
    imagesPerTask: recipe.outputs.countPerTask, gate: { scored: 0, passed: 0 },
  } satisfies RouteCandidate & { recipe: Recipe }));
  const choice = chooseRoute(candidates, candidates[0]?.recipeId ?? '');
  if (!choice) return null;
  const { recipe } = choice.chosen;
  const perRun = choice.chosen.perTaskMilliFen;
  const rate = rateOf(recipe, recipe.backend, pricing);
  const live = a.liveTarget[type];
  // Generated = live × candidates per live ÷ pass rate (rounded up: a fraction of an image is still rendered).
  const generated = Math.ceil((live * a.candidatesPerLiveMilli) / a.gatePassPerMille);
  const runs = Math.ceil(generated / Math.max(1, recipe.outputs.countPerTask));
  const failedRuns = Math.ceil((runs * a.failedRunsPerMille) / 1000);
  const compute = runs * perRun;
  // A failed run is billed for the time it held the hardware (half a run on average); per-output prices bill nothing undelivered.
  const failures = rate.basis === 'per-hour' ? mulDivRound(failedRuns * perRun, 1, 2) : 0;
  // Rented GPUs are billed while up; at this utilisation the idle part is busy × (1 − u) ÷ u. Replicate bills only busy time.
  const idle = recipe.backend === 'comfyui' ? mulDivRound(compute + failures, 1000 - a.gpuUtilisationPerMille, a.gpuUtilisationPerMille) : 0;
  const bytes = generated * (recipe.outputs.kind === 'video' ? a.bytesPerVideo : a.bytesPerImage);
  const storage = chargeForStorage(bytes, a.storageDays, pricing.book.storagePerGbMonth.milliFen);
  const total = compute + failures + idle + storage;
  return {
    type, recipe: recipe.id, backend: recipe.backend, reason: choice.reason,
    alternatives: choice.fallbacks.map((c) => ({ recipe: c.recipeId, backend: c.backend, perRunMilliFen: c.perTaskMilliFen ?? 0 })),
    secondsPerRun: recipe.estimateSecondsPerTask, perRunMilliFen: perRun, rateSource: rate.source,
    generated, runs, failedRuns, compute, failures, idle, storage, total,
    perGenerated: mulDivRound(total, 1, generated), perLive: mulDivRound(total, 1, live),
    perVideoSecond: recipe.outputs.kind === 'video' ? mulDivRound(total, 1, live * a.secondsPerVideo) : null,
  };
}

/** A hosted service's price per image, as ../shared/MODELS.md states it, in milli-fen at the book's rate. */
export interface HostedPrice { service: string; type: JobType; milliFenPerImage: number; quoted: string }

/** The hosted alternatives ../shared/MODELS.md lists (third-party or vendor pages, dates unknown there). */
export function hostedPrices(book: PriceBookContent): HostedPrice[] {
  const usd = (micros: number) => mulDivRound(micros, book.usdToCny.milliFenPerUsd, 1_000_000);
  return [
    { service: 'Alibaba Model Studio background generation', type: 'product-shot', milliFenPerImage: 8_000, quoted: '¥0.08' },
    { service: 'Photoroom AI editing', type: 'product-shot', milliFenPerImage: usd(100_000), quoted: '$0.10' },
    { service: 'Photoroom background removal', type: 'product-shot', milliFenPerImage: usd(20_000), quoted: '$0.02 (removal only, no new scene)' },
    { service: 'Pebblely (low end)', type: 'product-shot', milliFenPerImage: usd(50_000), quoted: '$0.05' },
    { service: 'Pebblely (high end)', type: 'product-shot', milliFenPerImage: usd(200_000), quoted: '$0.20' },
    { service: 'Alibaba Model Studio try-on', type: 'model-swap', milliFenPerImage: 20_000, quoted: '¥0.20' },
    { service: 'Alibaba Model Studio try-on "plus"', type: 'model-swap', milliFenPerImage: usd(70_000), quoted: 'about $0.07' },
  ];
}

/** Images a shop would buy from a hosted service for one live image: the same funnel (candidates, gate). */
export const hostedPerLive = (perImage: number, a: MonthAssumptions): number =>
  mulDivRound(perImage, a.candidatesPerLiveMilli, a.gatePassPerMille);
