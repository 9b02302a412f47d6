import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { loadConfig, type Config } from '@shotfarm/shared/config';
import { openDatabase, type Database } from '@shotfarm/shared/db';
import { EmbeddedRedis, freeLoopbackPort } from '@shotfarm/shared/queue';
import type { ShippedModelFile } from '@shotfarm/scorer';
import { buildApp } from '@shotfarm/studio';
import type { Closers } from './closers.ts';

/** The studio API on real components, as a benchmark measures it. */
export interface BenchFarm {
  app: FastifyInstance;
  config: Config;
  redisUrl: string;
  database: Database;
  /** Where the API listens (with `listen`); signed URLs point here. */
  baseUrl: string;
}

/**
 * A temp data folder, redis-server, in-memory PGlite and the API — each registered with `closers`, so the
 * benchmark's one `closeAll` tears them down in reverse. With `listen`, the API serves on a free loopback port.
 */
export async function startBenchFarm(closers: Closers, opts: { listen?: boolean; shippedModels?: ShippedModelFile[] } = {}): Promise<BenchFarm> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'shotfarm-bench-'));
  closers.add(() => rm(dataDir, { recursive: true, force: true }));
  const redis = await EmbeddedRedis.start({ dataDir: path.join(dataDir, 'redis') });
  closers.add(() => redis.stop());
  const port = opts.listen ? await freeLoopbackPort() : undefined;
  const baseUrl = `http://127.0.0.1:${port ?? 3000}`;
  const config = loadConfig({
    DATA_DIR: dataDir, LOG_LEVEL: 'silent', RECONCILE_INTERVAL_MS: '600000',
    ...(port === undefined ? {} : { PORT: String(port), PUBLIC_URL: baseUrl }),
  });
  const database = await openDatabase({ engine: 'pglite', dataDir: undefined });
  closers.add(() => database.close());
  const app = await buildApp({ config, redisUrl: redis.url, database, logger: false, ...(opts.shippedModels ? { shippedModels: opts.shippedModels } : {}) });
  closers.add(() => app.close());
  if (port === undefined) await app.ready();
  else await app.listen({ port, host: '127.0.0.1' });
  return { app, config, redisUrl: redis.url, database, baseUrl };
}
