import type { Redis } from 'ioredis';
import { createRedis } from '@shotfarm/shared/queue';
import { Prediction, replicatePredictionChannel } from '@shotfarm/shared/replicate';

/** Longest a task waits for its SUBSCRIBE before it goes on polling regardless. */
const subscribeWaitMs = 2000;

/**
 * Hands webhook deliveries to the task waiting on that prediction. The studio's webhook route publishes
 * each verified prediction on its channel; one subscriber connection per backend serves every task.
 * Messages are hints: a task subscribes before its first poll, and polling continues as the fallback.
 */
export class PredictionNotifier {
  readonly #redisUrl: string;
  readonly #prefix: string;
  readonly #listeners = new Map<string, Set<(p: Prediction) => void>>();
  #redis: Redis | undefined;

  constructor(opts: { redisUrl: string; prefix: string }) {
    this.#redisUrl = opts.redisUrl;
    this.#prefix = opts.prefix;
  }

  /** Call `listener` with each prediction published for `predictionId`; resolves to the unsubscribe. */
  async subscribe(predictionId: string, listener: (p: Prediction) => void): Promise<() => Promise<void>> {
    const channel = replicatePredictionChannel(this.#prefix, predictionId);
    const redis = this.#connection();
    let set = this.#listeners.get(channel);
    if (!set) {
      set = new Set();
      this.#listeners.set(channel, set);
      // With Redis away, ioredis would queue the SUBSCRIBE forever; polling must not wait for it.
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        redis.subscribe(channel).catch(() => undefined),
        new Promise<void>((resolve) => { timer = setTimeout(resolve, subscribeWaitMs); }),
      ]).finally(() => clearTimeout(timer));
    }
    set.add(listener);
    return async () => {
      set.delete(listener);
      if (set.size === 0 && this.#listeners.get(channel) === set) {
        this.#listeners.delete(channel);
        await redis.unsubscribe(channel).catch(() => undefined);
      }
    };
  }

  #connection(): Redis {
    if (!this.#redis) {
      this.#redis = createRedis(this.#redisUrl);
      this.#redis.on('error', () => undefined); // ioredis reconnects; polling covers the gap
      this.#redis.on('message', (channel: string, message: string) => {
        const listeners = this.#listeners.get(channel);
        if (!listeners) return;
        let parsed: Prediction;
        try { parsed = Prediction.parse(JSON.parse(message)); } catch { return; }
        for (const l of listeners) l(parsed);
      });
    }
    return this.#redis;
  }

  async close(): Promise<void> {
    await this.#redis?.quit().catch(() => undefined);
    this.#redis = undefined;
    this.#listeners.clear();
  }
}
