import type { ClickSimulatorOptions } from '../sim/click-simulator.ts';

/**
 * How the shipped model is trained and the simulator evaluations are run, in one place so `train` and
 * `eval:scorer` cannot drift apart: the same market, the same split, the same penalty.
 */
export const simulatorProtocol = {
  simulator: { seed: 1, learnableShare: 0.7 } satisfies ClickSimulatorOptions,
  /** Days 0–9 train, days 10–13 test. */
  firstTestDay: 10,
  /**
   * Half the products never reach the trainer and only their test days are scored: the served model only ever
   * meets new candidates, and with the same images on both sides a model could look good by fitting their noise.
   */
  holdOutProductShare: 0.5,
  /** Millions of impressions: the penalty only guards against collinear features, it barely shrinks. */
  l2: 1e-4,
  bootstrapSamples: 1000,
} as const;
