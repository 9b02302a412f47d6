import { Redis, type RedisOptions } from 'ioredis';

/**
 * A Redis connection fit for BullMQ. Workers and QueueEvents block on Redis, so BullMQ requires
 * `maxRetriesPerRequest: null` on their connections; every connection gets its own client.
 */
export function createRedis(url: string, opts: RedisOptions = {}): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true, ...opts });
}
