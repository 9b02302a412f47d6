import { mulDivRound } from './money.ts';

/** A way to run a job: a recipe on its backend, whether it can run now, and what one run costs. */
export interface RouteCandidate {
  recipeId: string;
  backend: string;
  /** Why it cannot run now (not configured, unhealthy, blocklisted); undefined: it can. */
  unavailable?: string;
  /** Expected cost of one task, milli-fen; null when no price is known (such a route is chosen only if nothing is priced). */
  perTaskMilliFen: number | null;
  imagesPerTask: number;
  /** Its history at the quality gate: images scored and images that passed. */
  gate: { scored: number; passed: number };
}

/** Until a recipe × backend has this many scored images, its pass rate leans on the prior. */
export const gatePriorWeight = 20;
/** The prior pass rate, per mille: half of what a new recipe makes is assumed to pass. */
export const gatePriorPerMille = 500;

/** Pass rate per mille, the prior blended in as `gatePriorWeight` pseudo-images (never 0, so nothing divides by zero). */
export function gatePassPerMille(gate: { scored: number; passed: number }): number {
  const rate = mulDivRound(gate.passed * 1000 + gatePriorPerMille * gatePriorWeight, 1, gate.scored + gatePriorWeight);
  return Math.max(1, rate);
}

/** Expected milli-fen per image that passes the gate: price per image ÷ pass rate. */
export function perAcceptedImage(c: RouteCandidate): number | null {
  if (c.perTaskMilliFen === null) return null;
  return mulDivRound(c.perTaskMilliFen * 1000, 1, Math.max(1, c.imagesPerTask) * gatePassPerMille(c.gate));
}

export interface RouteChoice<C extends RouteCandidate> {
  chosen: C;
  /** The rest, in the order to fall back to. */
  fallbacks: C[];
  reason: string;
  ranked: { candidate: C; perAcceptedImage: number | null }[];
}

/**
 * Pick the route with the lowest expected cost per accepted image among those that can run now. Ties go to the
 * requested recipe, then by recipe id, so the choice is stable. Unpriced routes rank after priced ones.
 */
export function chooseRoute<C extends RouteCandidate>(candidates: readonly C[], preferredRecipeId: string): RouteChoice<C> | null {
  const ranked = candidates.map((candidate) => ({ candidate, perAcceptedImage: perAcceptedImage(candidate) }));
  const able = ranked.filter((r) => r.candidate.unavailable === undefined);
  able.sort((a, b) => {
    if (a.perAcceptedImage === null || b.perAcceptedImage === null) {
      if (a.perAcceptedImage !== b.perAcceptedImage) return a.perAcceptedImage === null ? 1 : -1;
    } else if (a.perAcceptedImage !== b.perAcceptedImage) return a.perAcceptedImage - b.perAcceptedImage;
    const pa = a.candidate.recipeId === preferredRecipeId ? 0 : 1;
    const pb = b.candidate.recipeId === preferredRecipeId ? 0 : 1;
    return pa - pb || a.candidate.recipeId.localeCompare(b.candidate.recipeId);
  });
  const first = able[0];
  if (!first) return null;
  const pass = gatePassPerMille(first.candidate.gate);
  const prior = first.candidate.gate.scored < gatePriorWeight ? ` (prior-weighted: ${first.candidate.gate.scored} scored so far)` : '';
  const reason = able.length === 1
    ? `the only route able to run now: ${first.candidate.recipeId} on ${first.candidate.backend}`
    : first.perAcceptedImage === null
      ? `no route is priced; kept ${first.candidate.recipeId} on ${first.candidate.backend}`
      : `lowest expected cost per accepted image: ${first.perAcceptedImage} milli-fen (${first.candidate.perTaskMilliFen} per task, gate pass ${pass}‰${prior}) among ${able.length} routes able to run now`;
  return { chosen: first.candidate, fallbacks: able.slice(1).map((r) => r.candidate), reason, ranked };
}

/** The median of measured values (integers), or null with none; even counts take the lower middle, staying integral. */
export function medianOf(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}
