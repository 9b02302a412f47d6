import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Redis, RedisOptions } from 'ioredis';
import { createRedis, EmbeddedRedis } from '../src/queue/index.ts';

/** A real redis-server of one test file's own, in a temporary folder, with the connections the test opened. */
export interface TestRedis {
  /** `redis://127.0.0.1:<port>` */
  url: string;
  /** The temporary folder (AOF files); another server may be started under it. */
  dir: string;
  /** A connection closed by {@link TestRedis.close}. */
  connect(opts?: RedisOptions): Redis;
  /** Quit every connection, stop the server and remove the folder. */
  close(): Promise<void>;
}

/** Start one (in `beforeAll`, with a generous timeout: a busy machine starts it in seconds). */
export async function startTestRedis(label: string): Promise<TestRedis> {
  const dir = await mkdtemp(path.join(tmpdir(), `shotfarm-${label}-`));
  const server = await EmbeddedRedis.start({ dataDir: path.join(dir, 'redis') });
  const connections: Redis[] = [];
  return {
    url: server.url,
    dir,
    connect(opts) {
      const redis = createRedis(server.url, opts);
      connections.push(redis);
      return redis;
    },
    async close() {
      await Promise.all(connections.map((c) => c.quit().catch(() => c.disconnect())));
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
