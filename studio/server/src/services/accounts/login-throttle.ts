import type { Redis } from 'ioredis';

export interface LoginThrottleOptions {
  /** Failures per account or per address before logins are refused. @defaultValue 10 */
  maxFailures?: number;
  /** The window the failures are counted in, and the cooling-off period once the limit is hit. @defaultValue 900 */
  windowS?: number;
}

/**
 * Brute-force guard: counts failed logins per account and per address in Redis (shared by every API replica).
 * At the limit, logins for that account or from that address are refused — even with the right password — until
 * the cooling-off period after the last failure has passed. A successful login clears the account's count.
 */
export class LoginThrottle {
  readonly maxFailures: number;
  readonly windowS: number;

  constructor(private readonly redis: Redis, private readonly prefix: string, opts: LoginThrottleOptions = {}) {
    this.maxFailures = opts.maxFailures ?? 10;
    this.windowS = opts.windowS ?? 900;
  }

  #keys(email: string, ip: string): string[] {
    return [`${this.prefix}:login-failures:account:${email}`, `${this.prefix}:login-failures:ip:${ip}`];
  }

  /** Seconds until logins are allowed again for this account and address; 0: allowed now. */
  async blockedForS(email: string, ip: string): Promise<number> {
    const keys = this.#keys(email, ip);
    const pipeline = this.redis.multi();
    for (const key of keys) pipeline.get(key).ttl(key);
    const replies = (await pipeline.exec()) ?? [];
    let wait = 0;
    for (let i = 0; i < keys.length; i++) {
      const count = Number(replies[2 * i]?.[1] ?? 0);
      const ttl = Number(replies[2 * i + 1]?.[1] ?? 0);
      if (count >= this.maxFailures) wait = Math.max(wait, ttl > 0 ? ttl : this.windowS);
    }
    return wait;
  }

  /** Count a failure; each failure restarts the window, so the cooling-off runs from the last one. */
  async recordFailure(email: string, ip: string): Promise<void> {
    const pipeline = this.redis.multi();
    for (const key of this.#keys(email, ip)) pipeline.incr(key).expire(key, this.windowS);
    await pipeline.exec();
  }

  async recordSuccess(email: string): Promise<void> {
    await this.redis.del(this.#keys(email, '')[0]!);
  }
}
