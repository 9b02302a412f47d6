import { SeededRandom } from '@shotfarm/shared/random';
import type { CtrDataset } from './ctr-dataset.ts';

/** The two halves of a time-based split. */
export interface TimeSplit {
  train: CtrDataset;
  test: CtrDataset;
}

export interface SplitByDayOptions {
  /**
   * Also hold out this share of products: they are left out of training and only their later days are tested. Use
   * it when the same images would otherwise appear on both sides: a model can then score well on the test days by
   * fitting those very images' noise through their features, which says nothing about new candidates, the only
   * images the scorer is ever asked about. 0 keeps every product on both sides. @defaultValue 0
   */
  holdOutProductShare?: number;
  /** Seed of the held-out products' draw. @defaultValue 1 */
  seed?: number;
}

/**
 * Train on the days before `firstTestDay`, test on that day and after. Time-based rather than random because a
 * served model always predicts traffic it has not seen yet: a random split would let the same day's noise (a
 * promotion, a weekend) sit on both sides and flatter the metrics.
 */
export function splitByDay(dataset: CtrDataset, firstTestDay: number, options: SplitByDayOptions = {}): TimeSplit {
  const share = options.holdOutProductShare ?? 0;
  const rng = new SeededRandom(options.seed ?? 1, 'hold-out-products');
  // Sorted ids, so the draw depends on which products exist, not on the order of the rows.
  const productIds = [...new Set(dataset.rows.map((r) => r.productId))].sort();
  const heldOut = new Set(productIds.filter(() => rng.next() < share));
  const note = share > 0 ? `, ${heldOut.size} of ${productIds.length} products held out for testing` : '';
  return {
    train: {
      ...dataset,
      rows: dataset.rows.filter((r) => r.day < firstTestDay && !heldOut.has(r.productId)),
      description: `${dataset.description}; training days < ${firstTestDay}${note}`,
    },
    test: {
      ...dataset,
      rows: dataset.rows.filter((r) => r.day >= firstTestDay && (share === 0 || heldOut.has(r.productId))),
      description: `${dataset.description}; test days ≥ ${firstTestDay}${note}`,
    },
  };
}
