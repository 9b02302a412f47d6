// Plain functions with type-only imports, so the studio's bundle can use them without pulling zod's schemas in.
import type { ImageScore, ScoreSummary } from './score.ts';

/** The gate verdicts of a score, each reduced to pass or its first failed rule. */
export function summariseGates(gate: ImageScore['gate']): ScoreSummary['gates'] {
  return Object.fromEntries(Object.entries(gate).map(([profile, g]) => {
    const failed = g.rules.find((r) => !r.pass);
    return [profile, { pass: g.pass, failedRule: failed ? { id: failed.id, message: failed.message } : null }];
  }));
}

export function summariseScore(score: ImageScore): ScoreSummary {
  return { quality: score.quality.score, ctr: score.ctr.predicted, gates: summariseGates(score.gate) };
}
