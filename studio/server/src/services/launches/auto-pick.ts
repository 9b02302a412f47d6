import type { GateResult, LaunchFailingRule } from '@shotfarm/shared';
import { topKDiverse } from '@shotfarm/shared/ranking';

/** One output of a SKU's jobs, with its newest score (absent for videos, which the scorer does not rank). */
export interface PickCandidate {
  assetId: string;
  slot: string;
  mime: string;
  /** Order among the SKU's outputs (task index), the tie-break for videos. */
  order: number;
  score: { ctr: number; phash: string; gatesPassed: readonly string[]; gate: GateResult | undefined } | null;
}

export interface SkuPicks {
  picks: { slot: string; rank: number; assetId: string }[];
  /** Image slots with no gate-passing candidate: the SKU needs a person. */
  unpickedSlots: string[];
  /** For those slots, the rules that failed, most frequent first. */
  failingRules: LaunchFailingRule[];
}

/** Minimum pHash distance between two picks of a slot (as `GET /api/jobs/:id/ranking` defaults). */
export const pickMinDistance = 8;

/**
 * A SKU's automatic picks, slot by slot: the top `k` gate-passing images by predicted CTR, kept diverse (the ranking
 * the scorer's A/B candidates use); for a video slot the first `k` videos. An image slot with no passing candidate
 * is left unpicked and the rules its candidates failed are named, so the review view can say why.
 */
export function pickForSku(candidates: readonly PickCandidate[], profile: string, k: number): SkuPicks {
  const slots = [...new Set(candidates.map((c) => c.slot))].sort();
  const picks: SkuPicks['picks'] = [];
  const unpickedSlots: string[] = [];
  const failing = new Map<string, LaunchFailingRule>();
  for (const slot of slots) {
    const mine = candidates.filter((c) => c.slot === slot);
    const videos = mine.filter((c) => c.mime.startsWith('video/'));
    if (videos.length > 0 && videos.length === mine.length) {
      [...videos].sort((a, b) => a.order - b.order).slice(0, k).forEach((c, i) => picks.push({ slot, rank: i + 1, assetId: c.assetId }));
      continue;
    }
    const images = mine.filter((c) => !c.mime.startsWith('video/'));
    const passing = images.filter((c) => c.score?.gatesPassed.includes(profile)).map((c) => ({ id: c.assetId, ctr: c.score!.ctr, phash: c.score!.phash }));
    const chosen = topKDiverse(passing, k, pickMinDistance);
    chosen.forEach((c, i) => picks.push({ slot, rank: i + 1, assetId: c.id }));
    if (chosen.length === 0) {
      unpickedSlots.push(slot);
      for (const c of images) {
        for (const rule of c.score?.gate?.rules ?? []) {
          if (rule.pass) continue;
          const seen = failing.get(rule.id);
          failing.set(rule.id, { id: rule.id, count: (seen?.count ?? 0) + 1, message: seen?.message ?? { 'zh-CN': rule.message['zh-CN'], en: rule.message.en } });
        }
      }
    }
  }
  return { picks, unpickedSlots, failingRules: [...failing.values()].sort((a, b) => b.count - a.count || a.id.localeCompare(b.id)) };
}
