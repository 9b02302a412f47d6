import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { count } from 'drizzle-orm';
import { loadConfig, type Config } from '@shotfarm/shared/config';
import { openDatabase, tables, type Database } from '@shotfarm/shared/db';
import { EmbeddedRedis, freeLoopbackPort } from '@shotfarm/shared/queue';
import { createStorage } from '@shotfarm/shared/storage';
import type { Logger } from '@shotfarm/shared/log';
import type { RenderWorker } from '@shotfarm/render-worker';
import type { ScoreWorker } from '@shotfarm/scorer';
import { readShippedModels } from '@shotfarm/scorer/models';
import { buildApp, type BuildAppOptions } from '../src/app.ts';
import type { Caller } from '../src/services/accounts/caller.ts';

/** The fixtures beside the repo (../shared/fixtures), read at test time, never copied in. */
export const fixturesDir = path.resolve(fileURLToPath(new URL('../../../../shared/fixtures', import.meta.url)));
export const productPhotos = path.join(fixturesDir, 'images/products');

export interface Farm {
  app: FastifyInstance;
  config: Config;
  redis: EmbeddedRedis;
  database: Database;
  dataDir: string;
  /** Where the API listens (with `listen`); signed URLs point here. */
  baseUrl: string;
  /** Start an in-process render worker (the crash tests spawn real processes instead); `log`: its structured log. */
  startWorker(concurrency?: number, opts?: { log?: Logger }): Promise<RenderWorker>;
  /** Start an in-process scorer worker. */
  startScorer(opts?: { log?: Logger }): Promise<ScoreWorker>;
  /**
   * Headers that authenticate a request as the farm's admin (a bearer API key once accounts exist). Tests call
   * `farm.inject(...)`, which sends them; `app.inject` sends none (an anonymous caller).
   */
  authHeaders: Record<string, string>;
  /** The first admin (created on start) and the admin API key `authHeaders` carries. */
  admin: { id: string; email: string; key: string };
  /** `app.inject` as the admin: `authHeaders` merged under the request's own headers. */
  inject(opts: InjectOptions): Promise<LightMyRequestResponse>;
  /** Every object key in storage and the row counts: "nothing stored" is asserted against this. */
  snapshot(): Promise<{ objects: string[]; assets: number; jobs: number; tasks: number }>;
  close(): Promise<void>;
}

/**
 * A whole farm on real components: redis-server, PGlite, the folder storage, the API. Tests use
 * `app.inject`; with `listen`, the API also listens on a free loopback port that signed URLs point to.
 */
export async function startFarm(
  env: Record<string, string> = {},
  opts: { listen?: boolean; logStream?: { write(line: string): void }; launchPhotoFetch?: BuildAppOptions['launchPhotoFetch'] } = {},
): Promise<Farm> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'shotfarm-test-'));
  const redis = await EmbeddedRedis.start({ dataDir: path.join(dataDir, 'redis') });
  const port = opts.listen ? await freeLoopbackPort() : 3000;
  const baseUrl = `http://127.0.0.1:${port}`;
  const config = loadConfig({ DATA_DIR: dataDir, PORT: String(port), PUBLIC_URL: baseUrl, TASK_BACKOFF_MS: '200', RECONCILE_INTERVAL_MS: '600000', LOG_LEVEL: 'silent', ...env });
  const database = await openDatabase({ engine: 'pglite', dataDir: undefined });
  const app = await buildApp({
    config, redisUrl: redis.url, database, logger: opts.logStream !== undefined, logStream: opts.logStream, shippedModels: await readShippedModels(),
    launchPhotoFetch: opts.launchPhotoFetch,
  });
  await app.ready();
  if (opts.listen) await app.listen({ port, host: '127.0.0.1' });
  const workers: (RenderWorker | ScoreWorker)[] = [];
  const storage = app.storage;
  const admin = await adminKey(app, config);
  const authHeaders: Record<string, string> = { authorization: `Bearer ${admin.key}` };
  return {
    app, config, redis, database, dataDir, baseUrl, authHeaders, admin,
    inject: (req) => app.inject({ ...req, headers: { ...authHeaders, ...req.headers } }),
    async startWorker(concurrency = 2, workerOpts = {}) {
      const { createBackends, RenderWorker, replicateOptionsFromConfig } = await import('@shotfarm/render-worker');
      const worker = new RenderWorker({
        redisUrl: redis.url, prefix: config.queuePrefix, storage: await createStorage(config.storage),
        // The backends the configuration names, as a worker process builds them (RENDER_BACKENDS, COMFYUI_URLS, …).
        backends: createBackends(config.renderBackends, { comfyui: config.comfyui, replicate: replicateOptionsFromConfig(config, redis.url) }),
        concurrency, stalledIntervalMs: 5000, log: workerOpts.log,
      });
      await worker.start();
      workers.push(worker);
      return worker;
    },
    async startScorer(scorerOpts = {}) {
      const { ScoreWorker } = await import('@shotfarm/scorer');
      const worker = new ScoreWorker({ redisUrl: redis.url, prefix: config.queuePrefix, storage: await createStorage(config.storage), log: scorerOpts.log });
      await worker.start();
      workers.push(worker);
      return worker;
    },
    async snapshot() {
      const objects = await storage.list('');
      const n = async (t: typeof tables.jobs | typeof tables.assets | typeof tables.tasks) => (await database.db.select({ n: count() }).from(t))[0]!.n;
      return { objects, assets: await n(tables.assets), jobs: await n(tables.jobs), tasks: await n(tables.tasks) };
    },
    async close() {
      for (const w of workers) await w.close(true);
      await app.close();
      await database.close();
      await redis.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** An automation key with the admin role for the farm's first admin, made through the accounts service. */
async function adminKey(app: FastifyInstance, config: Config): Promise<{ id: string; email: string; key: string }> {
  const user = await app.accounts.users.findByEmail(config.auth.firstAdmin.email);
  if (!user) throw new Error('the first admin was not created');
  const caller: Caller = { kind: 'user', via: 'session', roles: user.roles, user: { id: user.id, email: user.email, roles: user.roles } };
  const { key } = await app.accounts.apiKeys.create(caller, { name: 'test harness', kind: 'automation', roles: ['admin'] });
  return { id: user.id, email: user.email, key };
}

/** A signed-in browser, as the studio is: the cookies it holds and the CSRF token it sends on state-changing requests. */
export interface BrowserSession {
  /** The `cookie` header (session and CSRF secret). */
  cookie: string;
  csrfToken: string;
  /** Headers of a state-changing request from the studio: cookie and `x-csrf-token`. */
  headers: Record<string, string>;
}

/** `name=value` pairs of a response's Set-Cookie headers, as a browser would send them back. */
export function cookiesOf(res: LightMyRequestResponse): string {
  return res.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
}

/** Sign in through `POST /api/session` (injected) and keep what a browser keeps. */
export async function signIn(app: FastifyInstance, email: string, password: string): Promise<BrowserSession> {
  const res = await app.inject({ method: 'POST', url: '/api/session', payload: { email, password } });
  if (res.statusCode !== 200) throw new Error(`sign-in failed: ${res.statusCode} ${res.body}`);
  const cookie = cookiesOf(res);
  const csrfToken = (res.json() as { csrfToken: string }).csrfToken;
  return { cookie, csrfToken, headers: { cookie, 'x-csrf-token': csrfToken } };
}

/**
 * Sign in over HTTP as a person would (POST /api/session), then make an admin API key with that session (cookie and
 * CSRF token): the headers for a farm that runs in another process (`npm start` in the crash tests).
 */
export async function signInForKey(baseUrl: string, email: string, password: string): Promise<Record<string, string>> {
  const login = await fetch(`${baseUrl}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
  if (login.status !== 200) throw new Error(`login failed: ${login.status} ${await login.text()}`);
  const { csrfToken } = await login.json() as { csrfToken: string };
  const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const created = await fetch(`${baseUrl}/api/api-keys`, {
    method: 'POST', headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrfToken }, body: JSON.stringify({ name: 'test', roles: ['admin'] }),
  });
  if (created.status !== 201) throw new Error(`creating a key failed: ${created.status} ${await created.text()}`);
  return { authorization: `Bearer ${(await created.json() as { key: string }).key}` };
}

/** A multipart body with one `file` part, built by hand so tests control every byte and header. */
export function multipartFile(bytes: Buffer, filename: string, contentType = 'application/octet-stream'): { payload: Buffer; headers: Record<string, string> } {
  const boundary = `----shotfarm${Math.random().toString(16).slice(2)}`;
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: ${contentType}\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return { payload: Buffer.concat([head, bytes, tail]), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

/** A real product photo on a plain background, which the local cut-out can separate (busy ones are refused). */
export const plainProductPhoto = (): string => path.join(productPhotos, 'dreambooth-vase-02.jpg');

export async function listProductPhotos(): Promise<string[]> {
  return (await readdir(productPhotos)).filter((f) => /\.(jpe?g|png|webp)$/i.test(f)).sort().map((f) => path.join(productPhotos, f));
}

/** Poll until `check` returns a value (not undefined) or the time is up. */
export async function waitFor<T>(check: () => Promise<T | undefined>, timeoutMs = 30_000, stepMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

/** One message of a Server-Sent Events stream: its event name, SSE id (absent for live-only events) and data. */
export interface SseMessage {
  event: string;
  id: string | undefined;
  data: unknown;
}

/**
 * Read a job's event stream (`GET /api/jobs/:id/events`) until `stop` says so or the stream ends, resuming after
 * `lastEventId` when given, as a reconnecting browser does. Send `headers: farm.authHeaders` to read as the admin.
 */
export async function readSse(url: string, opts: { lastEventId?: number; headers?: Record<string, string>; stop: (m: SseMessage) => boolean }): Promise<SseMessage[]> {
  const res = await fetch(url, { headers: { ...opts.headers, ...(opts.lastEventId ? { 'last-event-id': String(opts.lastEventId) } : {}) } });
  if (!res.headers.get('content-type')?.includes('text/event-stream')) throw new Error(`${url} is not an event stream (${res.status})`);
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const messages: SseMessage[] = [];
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return messages;
    buffer += decoder.decode(value, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const lines = buffer.slice(0, end).split('\n');
      buffer = buffer.slice(end + 2);
      const field = (name: string) => lines.find((l) => l.startsWith(`${name}: `))?.slice(name.length + 2);
      const event = field('event');
      const data = field('data');
      if (!event || data === undefined) continue; // retry hints and heartbeats
      const message = { event, id: field('id'), data: JSON.parse(data) as unknown };
      messages.push(message);
      if (opts.stop(message)) { await reader.cancel(); return messages; }
    }
  }
}
