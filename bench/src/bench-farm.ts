import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { loadConfig, type Config } from '@shotfarm/shared/config';
import { openDatabase, type Database } from '@shotfarm/shared/db';
import { EmbeddedRedis, freeLoopbackPort } from '@shotfarm/shared/queue';
import type { ShippedModelFile } from '@shotfarm/scorer/models';
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
  /** The API as the farm's admin: `app.inject` with an admin API key (anonymous calls get 401). */
  api: BenchApi;
  /** A signed-in admin's session cookie, for browser contexts (`context.addCookies(farm.browserCookies)`). */
  browserCookies: { name: string; value: string; url: string }[];
}

/** What benchmarks call the API through: injected requests that carry an admin key. */
export interface BenchApi {
  inject(opts: InjectOptions): Promise<LightMyRequestResponse>;
}

/**
 * A temp data folder, redis-server, in-memory PGlite and the API — each registered with `closers`, so the
 * benchmark's one `closeAll` tears them down in reverse. With `listen`, the API serves on a free loopback port.
 */
export async function startBenchFarm(closers: Closers, opts: { listen?: boolean; shippedModels?: ShippedModelFile[]; env?: Record<string, string> } = {}): Promise<BenchFarm> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'shotfarm-bench-'));
  closers.add(() => rm(dataDir, { recursive: true, force: true }));
  const redis = await EmbeddedRedis.start({ dataDir: path.join(dataDir, 'redis') });
  closers.add(() => redis.stop());
  const port = opts.listen ? await freeLoopbackPort() : undefined;
  const baseUrl = `http://127.0.0.1:${port ?? 3000}`;
  const config = loadConfig({
    DATA_DIR: dataDir, LOG_LEVEL: 'silent', RECONCILE_INTERVAL_MS: '600000',
    ...(port === undefined ? {} : { PORT: String(port), PUBLIC_URL: baseUrl }),
    ...opts.env,
  });
  const database = await openDatabase({ engine: 'pglite', dataDir: undefined });
  closers.add(() => database.close());
  const app = await buildApp({ config, redisUrl: redis.url, database, logger: false, ...(opts.shippedModels ? { shippedModels: opts.shippedModels } : {}) });
  closers.add(() => app.close());
  if (port === undefined) await app.ready();
  else await app.listen({ port, host: '127.0.0.1' });
  // Benchmarks authenticate as the first admin: a key for the API, a session for the browser.
  const admin = await app.accounts.users.findByEmail(config.auth.firstAdmin.email);
  if (!admin) throw new Error('the first admin was not created');
  const roles = [...admin.roles];
  const { key } = await app.accounts.apiKeys.create({ kind: 'user', via: 'session', roles, user: { id: admin.id, email: admin.email, roles } }, { name: 'bench', kind: 'automation', roles: ['admin'] });
  const session = await app.accounts.sessions.create(admin.id);
  const api: BenchApi = { inject: (req) => app.inject({ ...req, headers: { authorization: `Bearer ${key}`, ...req.headers } }) };
  return { app, config, redisUrl: redis.url, database, baseUrl, api, browserCookies: [{ name: 'sf_session', value: session.token, url: baseUrl }] };
}
