/**
 * The budget gate, pure. A job (or launch, or the organisation for the day) has a cap; tasks already running
 * will cost about `perTaskMilliFen` each. Of the queued tasks, only as many may still start as fit in what is
 * left once the running ones are paid for; the rest are skipped. Measured spend therefore stays within the cap
 * unless one task costs more than expected, and then by at most that task.
 */
export interface BudgetState {
  capMilliFen: number;
  spentMilliFen: number;
  runningTasks: number;
  /** Expected cost of one more task: the larger of the estimate and the dearest attempt measured so far. */
  perTaskMilliFen: number;
  queuedTasks: number;
}

/** How many queued tasks may still start. */
export function tasksThatFit(s: BudgetState): number {
  const left = s.capMilliFen - s.spentMilliFen - s.runningTasks * s.perTaskMilliFen;
  if (left <= 0) return 0;
  if (s.perTaskMilliFen <= 0) return s.queuedTasks;
  return Math.min(s.queuedTasks, Math.floor(left / s.perTaskMilliFen));
}

/** What remains of a cap (never negative); null cap: unlimited. */
export const remainingOf = (capMilliFen: number | null, spentMilliFen: number): number | null =>
  (capMilliFen === null ? null : Math.max(0, capMilliFen - spentMilliFen));
