import type { Redis } from 'ioredis';
import type { Caller } from './caller.ts';

/**
 * Resolved bearer keys, remembered for a few seconds so that the storefront's hot path (`/serve`, `/events`) makes no
 * database round-trip per request. Correctness does not rest on the time limit: every key revocation and every user
 * change (roles, disabled, password) empties this cache at once in this replica and, through a Redis pub/sub
 * message, in every other replica. The time limit only bounds a message lost while a replica reconnects.
 */
export class KeyCallerCache {
  private readonly entries = new Map<string, { caller: Caller | undefined; until: number }>();
  private subscriber: Redis | undefined;

  constructor(private readonly redis: Redis, private readonly channel: string, private readonly ttlMs = 10_000) {}

  /** Listen for other replicas' changes. */
  async start(): Promise<void> {
    const subscriber = this.redis.duplicate();
    subscriber.on('message', () => this.entries.clear());
    // A reconnect may have missed messages: forget everything rather than trust what we hold.
    subscriber.on('ready', () => this.entries.clear());
    await subscriber.subscribe(this.channel);
    this.subscriber = subscriber;
  }

  async close(): Promise<void> {
    const s = this.subscriber;
    this.subscriber = undefined;
    if (s) await s.quit().catch(() => s.disconnect());
  }

  /** The cached answer for a key's digest: `hit` false when there is none (or it is too old). */
  get(digest: string): { hit: boolean; caller?: Caller } {
    const e = this.entries.get(digest);
    if (!e) return { hit: false };
    if (e.until < Date.now()) { this.entries.delete(digest); return { hit: false }; }
    return { hit: true, caller: e.caller };
  }

  set(digest: string, caller: Caller | undefined): void {
    // Unknown keys are remembered too (an attacker's guesses must not each cost a query), in a bounded map.
    if (this.entries.size >= 10_000) this.entries.clear();
    this.entries.set(digest, { caller, until: Date.now() + this.ttlMs });
  }

  /** A key or user changed: forget every resolved key here now, and tell the other replicas. */
  async invalidate(): Promise<void> {
    this.entries.clear();
    await this.redis.publish(this.channel, 'changed');
  }
}
