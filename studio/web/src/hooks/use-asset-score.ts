import { useEffect, useState } from 'react';
import type { ImageScore } from '@shotfarm/shared';
import { getAssetScore } from '../api/client.ts';

/** How often to ask again while the scorer has not reached the image. */
const pollMs = 1000;
/** Stop asking after this long: a scorer that is down should not cost the page forever. */
const giveUpMs = 120_000;

/** The score of an asset once the scorer has made it; `null` while pending (or given up). */
export function useAssetScore(assetId: string | null): ImageScore | null {
  const [score, setScore] = useState<ImageScore | null>(null);
  useEffect(() => {
    setScore(null);
    if (!assetId) return;
    const abort = new AbortController();
    const started = Date.now();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      try {
        const s = await getAssetScore(assetId, abort.signal);
        if (s) { setScore(s); return; }
      } catch {
        if (abort.signal.aborted) return;
      }
      if (Date.now() - started < giveUpMs) timer = setTimeout(() => void poll(), pollMs);
    };
    void poll();
    return () => { abort.abort(); clearTimeout(timer); };
  }, [assetId]);
  return score;
}
