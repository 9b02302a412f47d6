import { softplus } from '../ctr/sigmoid.ts';
import type { CtrDataset } from './ctr-dataset.ts';
import { splitByDay } from './split-by-day.ts';
import { imageLogit, type TrainLogisticOptions, trainLogistic } from './train-logistic.ts';

export interface ChooseL2Options {
  /** Candidate penalties. @defaultValue [1e-5, 1e-4, 1e-3, 1e-2, 1e-1] */
  grid?: readonly number[];
  /** The last this-many days of the training data are held out to compare them. @defaultValue 1 */
  validationDays?: number;
  /** Passed to every fit. */
  train?: Omit<TrainLogisticOptions, 'l2'>;
}

export interface ChooseL2Result {
  l2: number;
  /** Validation log-loss per impression of each candidate, in grid order. */
  scores: { l2: number; logLoss: number }[];
}

/**
 * Pick the L2 penalty by a time-based validation inside the training window: fit on all but its last days, score
 * the log-loss on those days, keep the best (the larger penalty on a tie; the grid is sorted first). The test window is never looked at, so
 * the choice cannot flatter the reported metrics. Matters on sparse logs (a few dozen clicks), where the default
 * penalty lets one-hot features memorise noise.
 */
export function chooseL2(train: CtrDataset, options: ChooseL2Options = {}): ChooseL2Result {
  const grid = [...(options.grid ?? [1e-5, 1e-4, 1e-3, 1e-2, 1e-1])].sort((a, b) => a - b);
  const days = options.validationDays ?? 1;
  const lastDay = train.rows.reduce((m, r) => Math.max(m, r.day), Number.NEGATIVE_INFINITY);
  const inner = splitByDay(train, lastDay - days + 1);
  const scores = grid.map((l2) => {
    const fit = trainLogistic(inner.train, { ...options.train, l2 });
    let loss = 0;
    let n = 0;
    for (const r of inner.test.rows) {
      const eta = (fit.offsets.get(r.productId) ?? fit.bias) + imageLogit(fit, r.features);
      loss += r.impressions * softplus(eta) - r.clicks * eta;
      n += r.impressions;
    }
    return { l2, logLoss: n > 0 ? loss / n : Number.NaN };
  });
  let best = scores[0]!;
  for (const s of scores) if (s.logLoss <= best.logLoss) best = s;
  return { l2: best.l2, scores };
}

