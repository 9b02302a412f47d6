import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

/** Extends a lease only while this holder still owns it (a lease that expired and was taken is not taken back). */
const renewScript = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0";
/** Deletes a lease only while this holder still owns it. */
const releaseScript = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";

export interface LaunchLeaseOptions {
  /** How long a lease lives without renewal; renewed every third of it. */
  leaseMs: number;
  log: { warn: (o: object, msg: string) => void };
}

/**
 * Which API replica advances which launch. A replica advances a launch only while it holds the launch's lease, a
 * Redis key (`SET NX PX`) holding this replica's token; a timer renews every held lease while the replica lives, so a
 * pass longer than the lease keeps it. A replica that dies stops renewing and the lease expires: another replica's
 * next pass takes the launch over and carries on from the database. A holder counts its lease as lost a little
 * before Redis would expire it (when renewals fail), so two replicas never both believe they hold one launch.
 */
export class LaunchLeases {
  readonly token = randomUUID();
  /** Launch id → when the lease was last confirmed in Redis (ms since epoch). */
  readonly #held = new Map<string, number>();
  #timer: NodeJS.Timeout | undefined;

  constructor(private readonly redis: Redis, private readonly prefix: string, private readonly opts: LaunchLeaseOptions) {}

  keyOf(launchId: string): string {
    return `${this.prefix}:launch-lease:${launchId}`;
  }

  start(): void {
    clearInterval(this.#timer);
    this.#timer = setInterval(() => void this.renewAll(), Math.max(100, Math.floor(this.opts.leaseMs / 3)));
    this.#timer.unref();
  }

  /** Take the launch's lease, or confirm (and extend) the one held. False: another replica advances it. */
  async acquire(launchId: string): Promise<boolean> {
    const key = this.keyOf(launchId);
    const at = Date.now();
    try {
      if (this.#held.has(launchId)) {
        if (Number(await this.redis.eval(renewScript, 1, key, this.token, this.opts.leaseMs)) === 1) {
          this.#held.set(launchId, at);
          return true;
        }
        this.#held.delete(launchId);
        this.opts.log.warn({ launchId }, 'the launch lease was lost: another replica advances it');
      }
      if ((await this.redis.set(key, this.token, 'PX', this.opts.leaseMs, 'NX')) !== 'OK') return false;
      this.#held.set(launchId, at);
      return true;
    } catch (err) {
      this.opts.log.warn({ err, launchId }, 'the launch lease could not be taken: Redis did not answer');
      return false;
    }
  }

  /**
   * True while the lease is surely still ours: confirmed less than two thirds of its life ago (the renewal timer
   * confirms it every third). The runner asks before every step that must not happen twice.
   */
  holds(launchId: string): boolean {
    const at = this.#held.get(launchId);
    return at !== undefined && Date.now() - at < (this.opts.leaseMs * 2) / 3;
  }

  /** Renew every held lease; one that another replica holds now (or that expired) is dropped. */
  async renewAll(): Promise<void> {
    for (const launchId of [...this.#held.keys()]) {
      const at = Date.now();
      try {
        if (Number(await this.redis.eval(renewScript, 1, this.keyOf(launchId), this.token, this.opts.leaseMs)) === 1) {
          if (this.#held.has(launchId)) this.#held.set(launchId, at);
        } else {
          this.#held.delete(launchId);
          this.opts.log.warn({ launchId }, 'the launch lease was lost: another replica advances it');
        }
      } catch (err) {
        // Kept for now: holds() turns false on its own once the lease may have expired.
        this.opts.log.warn({ err, launchId }, 'renewing a launch lease failed');
      }
    }
  }

  /** Let another replica take the launch at once (it finished, or this replica is stopping). */
  async release(launchId: string): Promise<void> {
    if (!this.#held.delete(launchId)) return;
    await this.redis.eval(releaseScript, 1, this.keyOf(launchId), this.token).catch(() => undefined);
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    for (const launchId of [...this.#held.keys()]) await this.release(launchId);
  }

  /** Stop renewing and forget every lease without releasing it: what a crashed replica leaves (tests simulate one). */
  abandon(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#held.clear();
  }

  /** Launches whose lease this replica holds now. */
  held(): string[] {
    return [...this.#held.keys()].filter((id) => this.holds(id));
  }
}
