import { readFile } from 'node:fs/promises';
import { bestArmProbabilities, wilsonInterval } from '@shotfarm/shared/bandit';
import { SeededRandom } from '@shotfarm/shared/random';

/** One logged impression of the Open Bandit Dataset (ZOZOTOWN, "men" campaign): item shown, click, propensity. */
export interface LoggedRound {
  item: number;
  click: number;
  propensity: number;
}

/** Reads an OBD csv (`,timestamp,item_id,position,click,propensity_score,…`), in time order. */
export async function readOpenBanditLog(file: string): Promise<LoggedRound[]> {
  const lines = (await readFile(file, 'utf8')).split('\n').filter((l) => l.trim() !== '');
  const header = lines[0]!.split(',');
  const col = (name: string) => { const i = header.indexOf(name); if (i < 0) throw new Error(`${file}: no column ${name}`); return i; };
  const [item, click, propensity] = [col('item_id'), col('click'), col('propensity_score')];
  return lines.slice(1).map((l) => { const f = l.split(','); return { item: Number(f[item]), click: Number(f[click]), propensity: Number(f[propensity]) }; });
}

/**
 * Replay estimate (Li et al., 2011) of a Bernoulli Thompson policy on uniformly random logs: the policy picks an
 * item by one posterior draw per arm; when it matches the logged item, the logged click is its reward and it
 * learns; otherwise the round is skipped. Unbiased for a policy's CTR when the logging policy is uniform.
 */
export function replayThompson(log: readonly LoggedRound[], items: number, seed: number): { ctr: number; matched: number } {
  const rng = new SeededRandom(seed, 'obd-replay');
  const a = new Array<number>(items).fill(1);
  const b = new Array<number>(items).fill(1);
  let matched = 0;
  let clicks = 0;
  for (const r of log) {
    let best = 0;
    let bestDraw = -1;
    for (let i = 0; i < items; i++) { const x = rng.beta(a[i]!, b[i]!); if (x > bestDraw) { bestDraw = x; best = i; } }
    if (best !== r.item) continue;
    matched++;
    clicks += r.click;
    if (r.click) a[best]!++; else b[best]!++;
  }
  return { ctr: matched > 0 ? clicks / matched : 0, matched };
}

/**
 * Inverse-propensity estimate of the CTR of a Thompson policy that learns from every logged round (the logs are
 * uniform, so each item's posterior is unbiased) and serves by P(best), recomputed every `batch` rounds as the API
 * recomputes weights on its cadence: V = (1/N) Σ click · π_t(item) / propensity.
 */
export function ipsThompson(log: readonly LoggedRound[], items: number, seed: number, batch = 500): number {
  const alpha = new Array<number>(items).fill(1);
  const beta = new Array<number>(items).fill(1);
  let pi = new Array<number>(items).fill(1 / items);
  let value = 0;
  log.forEach((r, t) => {
    if (t > 0 && t % batch === 0) pi = bestArmProbabilities(alpha.map((x, i) => ({ alpha: x, beta: beta[i]! })), { draws: 1000, seed: seed + t }).pBest;
    value += (r.click * pi[r.item]!) / r.propensity;
    if (r.click) alpha[r.item]!++; else beta[r.item]!++;
  });
  return value / log.length;
}

/** Bootstrap resample of a log, kept in time order (rows drawn with replacement, then sorted by their index). */
export function bootstrapLog<T>(log: readonly T[], rng: SeededRandom): T[] {
  const idx = Array.from({ length: log.length }, () => Math.floor(rng.next() * log.length)).sort((x, y) => x - y);
  return idx.map((i) => log[i]!);
}

export function percentileInterval(xs: readonly number[]): { mean: number; low: number; high: number } {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.max(0, Math.round(p * (s.length - 1))))]!;
  return { mean: xs.reduce((a, b) => a + b, 0) / xs.length, low: q(0.025), high: q(0.975) };
}

export function loggedCtr(log: readonly LoggedRound[]): { mean: number; low: number; high: number } {
  const clicks = log.reduce((s, r) => s + r.click, 0);
  return { mean: clicks / log.length, ...wilsonInterval(clicks, log.length) };
}
