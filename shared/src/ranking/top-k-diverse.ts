import { hammingDistance } from '../images/hamming.ts';

/** A candidate as the ranking sees it. */
export interface RankCandidate {
  id: string;
  /** Predicted CTR, 0–1: the ranking key. */
  ctr: number;
  /** 64-bit perceptual hash, 16 hex characters. */
  phash: string;
}

/**
 * The K best candidates by predicted CTR that are not near-duplicates of one already picked (greedy:
 * an A/B rollout learns nothing from two arms that look the same). When too few are diverse enough,
 * fewer than K come back: padding with near-duplicates would waste traffic.
 */
export function topKDiverse<C extends RankCandidate>(candidates: readonly C[], k: number, minDistance: number): C[] {
  const byCtr = [...candidates].sort((a, b) => b.ctr - a.ctr || a.id.localeCompare(b.id));
  const picked: C[] = [];
  for (const c of byCtr) {
    if (picked.length >= k) break;
    if (picked.every((p) => hammingDistance(p.phash, c.phash) >= minDistance)) picked.push(c);
  }
  return picked;
}
