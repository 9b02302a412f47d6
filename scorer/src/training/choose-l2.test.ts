import { describe, expect, it } from 'vitest';
import { SeededRandom } from '@shotfarm/shared/random';
import { chooseL2 } from './choose-l2.ts';
import type { CtrDataset, CtrRow } from './ctr-dataset.ts';

/** Four days of logs over many noise features; `signal` scales how much the first one truly matters. */
function logs(signal: number): CtrDataset {
  const rng = new SeededRandom(11, `l2-${signal}`);
  const rows: CtrRow[] = [];
  for (let i = 0; i < 60; i++) {
    const features = Array.from({ length: 20 }, () => rng.normal());
    const ctr = 1 / (1 + Math.exp(3.5 - signal * features[0]!));
    for (let day = 0; day < 4; day++) rows.push({ productId: `p${i % 3}`, imageId: `i${i}`, day, impressions: 300, clicks: rng.binomial(300, ctr), features });
  }
  return { featureNames: Array.from({ length: 20 }, (_, j) => `f${j}`), rows, description: 'l2 test' };
}

describe('chooseL2', () => {
  it('prefers a strong penalty when the features carry nothing, a weak one when they carry a clear signal', () => {
    const noise = chooseL2(logs(0));
    const signal = chooseL2(logs(1));
    expect(noise.scores).toHaveLength(5);
    expect(noise.l2).toBeGreaterThan(signal.l2);
  });
});
