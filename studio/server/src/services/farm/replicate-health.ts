import type { ReplicateHealth } from '@shotfarm/shared';
import type { Config } from '@shotfarm/shared/config';
import { SharedReading } from './shared-reading.ts';

/** Longer and Replicate is shown as down: the farm page must not hang on it. */
const defaultTimeoutMs = 3_000;
/** Replicate rate-limits per account; every open farm page shares one reading this long. */
const defaultCacheMs = 30_000;

export interface ReplicateHealthOptions {
  timeoutMs?: number;
  cacheMs?: number;
}

/**
 * Whether Replicate answers with the configured token, for the farm page: `GET /v1/account` (the cheapest
 * authenticated call; protocols/replicate.md §2.10). It only looks: the render workers follow their own
 * predictions and retry by their own rules.
 */
export class ReplicateHealthProbe {
  readonly #replicate: Config['replicate'];
  readonly #timeoutMs: number;
  readonly #reading: SharedReading<ReplicateHealth>;

  constructor(replicate: Config['replicate'], opts: ReplicateHealthOptions = {}) {
    this.#replicate = replicate;
    this.#timeoutMs = opts.timeoutMs ?? defaultTimeoutMs;
    this.#reading = new SharedReading(() => this.#probe(), opts.cacheMs ?? defaultCacheMs);
  }

  read(now: number = Date.now()): Promise<ReplicateHealth> {
    return this.#reading.get(now);
  }

  async #probe(): Promise<ReplicateHealth> {
    const { token, baseUrl } = this.#replicate;
    if (token === undefined) return { configured: false, state: 'unset', account: null, error: null, checkedAt: null };
    const checkedAt = new Date().toISOString();
    try {
      const res = await fetch(`${baseUrl}/account`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(this.#timeoutMs) });
      if (!res.ok) {
        const body = await res.json().catch(() => ({})) as { detail?: unknown };
        const detail = typeof body.detail === 'string' ? `: ${body.detail}` : '';
        return { configured: true, state: 'down', account: null, error: `HTTP ${res.status}${detail}`, checkedAt };
      }
      const body = await res.json() as { username?: unknown };
      return { configured: true, state: 'up', account: typeof body.username === 'string' ? body.username : null, error: null, checkedAt };
    } catch (e) {
      return { configured: true, state: 'down', account: null, error: (e as Error).message, checkedAt };
    }
  }
}
