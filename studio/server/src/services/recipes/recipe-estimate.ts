import { chargeForTime, comfyRate, localRate, medianOf, mulDivRound, replicateRate, type PriceOverrides, type Rate } from '@shotfarm/shared/costs';
import type { PriceBookContent } from '@shotfarm/shared';
import type { Config } from '@shotfarm/shared/config';
import type { BackendId, Recipe } from '@shotfarm/workflows';

/** What an estimate prices with: the book in force, the environment's overrides and the ComfyUI servers configured. */
export interface Pricing {
  book: PriceBookContent;
  overrides: PriceOverrides;
  comfyServers: Config['comfyui']['servers'];
}

export function pricingFrom(book: PriceBookContent, config: Config): Pricing {
  return { book, overrides: overridesFrom(config), comfyServers: config.comfyui.servers };
}

/** COMFYUI_URLS' fenPerHour, REPLICATE_FEN_PER_HOUR and DAILY_BUDGET_FEN, which win over the book. */
export function overridesFrom(config: Config): PriceOverrides {
  return {
    comfyServerFenPerHour: Object.fromEntries(config.comfyui.servers.filter((s) => s.fenPerHour > 0).map((s) => [s.name, s.fenPerHour])),
    ...(config.replicate.fenPerHour !== undefined ? { replicateFenPerHour: config.replicate.fenPerHour } : {}),
    ...(config.costs.dailyBudgetFen !== undefined ? { dailyBudgetFen: config.costs.dailyBudgetFen } : {}),
  };
}

type EstimatedRecipe = Pick<Recipe, 'backend' | 'estimateSecondsPerTask' | 'outputs'> & { manifest?: { replicate?: { model: string } | undefined } | undefined };

/** The rate a recipe's runs are billed at on its backend. ComfyUI: the median of the configured servers' rates (the pool sends a task to whichever is free). */
export function rateOf(recipe: EstimatedRecipe, backend: BackendId, pricing: Pricing): Rate {
  switch (backend) {
    case 'local':
      return localRate(pricing.book);
    case 'replicate':
      return replicateRate(pricing.book, recipe.manifest?.replicate?.model, pricing.overrides);
    case 'comfyui': {
      if (pricing.comfyServers.length === 0) return comfyRate(pricing.book, {}, pricing.overrides);
      const rates = pricing.comfyServers.map((s) => comfyRate(pricing.book, { name: s.name, ...(s.gpu ? { gpu: s.gpu } : {}), fenPerHour: s.fenPerHour }, pricing.overrides));
      const perHour = medianOf(rates.map((r) => (r.basis === 'per-hour' ? r.milliFenPerHour : 0)))!;
      return { basis: 'per-hour', milliFenPerHour: perHour, source: rates.length === 1 ? rates[0]!.source : `median of ${rates.length} ComfyUI servers` };
    }
  }
}

/**
 * What one task of this recipe is expected to cost, integer milli-fen: the expected seconds (the measured running
 * median once there is one, else the recipe's own estimate) at its backend's price, or its per-output price.
 */
export function estimateMilliFenPerTask(recipe: EstimatedRecipe, pricing: Pricing, measuredSeconds?: number | null): number {
  const rate = rateOf(recipe, recipe.backend, pricing);
  if (rate.basis === 'per-output') return rate.milliFenPerOutput * Math.max(1, recipe.outputs.countPerTask);
  const ms = Math.round((measuredSeconds ?? recipe.estimateSecondsPerTask) * 1000);
  return chargeForTime(ms, rate.milliFenPerHour);
}

/** Per image: a task's cost shared by the images it makes. Shown before submitting; the ledger records what was spent. */
export function estimateMilliFenPerImage(recipe: EstimatedRecipe, pricing: Pricing, measuredSeconds?: number | null): number {
  return mulDivRound(estimateMilliFenPerTask(recipe, pricing, measuredSeconds), 1, Math.max(1, recipe.outputs.countPerTask));
}
