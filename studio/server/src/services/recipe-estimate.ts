import type { Config } from '@shotfarm/shared/config';
import type { BackendId, Recipe } from '@shotfarm/workflows';

const secondsPerHour = 3600;
const milliFenPerFen = 1000;

/** The hourly price a recipe's backend is billed at, integer fen; undefined when nobody configured one. */
function fenPerHourOf(backend: BackendId, config: Config): number | undefined {
  switch (backend) {
    case 'local':
      return 0; // our own CPUs: no rented compute to pay for
    case 'replicate':
      return config.replicate.fenPerHour;
    case 'comfyui': {
      // Servers without a price say nothing about the price; of the priced ones, the median, since the pool
      // sends a task to whichever server is free.
      const prices = config.comfyui.servers.map((s) => s.fenPerHour).filter((p) => p > 0).sort((a, b) => a - b);
      return prices.length === 0 ? undefined : prices[Math.floor((prices.length - 1) / 2)];
    }
  }
}

/**
 * What one image of this recipe is expected to cost in rented compute, integer milli-fen (¥0.00001), from the
 * recipe's GPU-seconds estimate and the configured hourly price; null when the price is unknown. An estimate
 * shown before submitting: the ledger records what was actually spent.
 */
export function estimateMilliFenPerImage(recipe: Pick<Recipe, 'backend' | 'estimateSecondsPerTask' | 'outputs'>, config: Config): number | null {
  const fenPerHour = fenPerHourOf(recipe.backend, config);
  if (fenPerHour === undefined) return null;
  const imagesPerTask = Math.max(1, recipe.outputs.countPerTask);
  return Math.round((recipe.estimateSecondsPerTask * fenPerHour * milliFenPerFen) / secondsPerHour / imagesPerTask);
}
