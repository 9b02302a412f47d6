import { srmThreshold } from './srm.ts';

/** Promote when one arm is best with at least this posterior probability. */
export const defaultDecisionThreshold = 0.95;

export type DecisionState = 'collecting' | 'ready' | 'srm' | 'promoted';

export interface DecisionGuardrails {
  minImpressionsPerArm: number;
  minClicksPerArm: number;
  minRuntimeS: number;
  maxRuntimeS: number;
}

export interface DecisionInput {
  arms: readonly { impressions: number; clicks: number; pBest: number }[];
  runtimeS: number;
  srmPValue: number;
  guardrails: DecisionGuardrails;
  threshold?: number;
}

export interface Decision {
  state: DecisionState;
  /** Machine-readable reason, one of `decisionReasons`. */
  reason: DecisionReason;
  /** The arm P(best) points at (the leader), whatever the state. */
  leader: number;
}

export type DecisionReason = 'srm' | 'min-impressions' | 'min-clicks' | 'min-runtime' | 'no-clear-winner' | 'max-runtime' | 'winner';

/**
 * The experiment's state after an update. A sample-ratio mismatch blocks everything (the counts cannot be trusted);
 * otherwise `ready` needs every arm's minimum samples, the minimum runtime and P(best) ≥ threshold. Past the maximum
 * runtime without a winner it stays `collecting` with reason `max-runtime` (the updater then stops it).
 */
export function decide(input: DecisionInput): Decision {
  const { arms, guardrails: g } = input;
  const threshold = input.threshold ?? defaultDecisionThreshold;
  let leader = 0;
  arms.forEach((a, i) => { if (a.pBest > arms[leader]!.pBest) leader = i; });
  if (input.srmPValue < srmThreshold) return { state: 'srm', reason: 'srm', leader };
  const collecting = (reason: DecisionReason): Decision => ({ state: 'collecting', reason: input.runtimeS >= g.maxRuntimeS ? 'max-runtime' : reason, leader });
  if (arms.some((a) => a.impressions < g.minImpressionsPerArm)) return collecting('min-impressions');
  if (arms.some((a) => a.clicks < g.minClicksPerArm)) return collecting('min-clicks');
  if (input.runtimeS < g.minRuntimeS) return collecting('min-runtime');
  if ((arms[leader]?.pBest ?? 0) < threshold) return collecting('no-clear-winner');
  return { state: 'ready', reason: 'winner', leader };
}
