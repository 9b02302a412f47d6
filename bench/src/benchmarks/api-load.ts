import { randomUUID } from 'node:crypto';
import autocannon from 'autocannon';
import Fastify from 'fastify';
import { freeLoopbackPort } from '@shotfarm/shared/queue';
import { startBenchFarm } from '../bench-farm.ts';
import { seedExperiment } from '../seed-experiment.ts';
import { Closers } from '../closers.ts';
import { makeProductPhoto } from '../product-photo.ts';
import { multipartFile } from '../multipart-file.ts';
import type { Benchmark, BenchmarkResult } from '../measure.ts';

/** Options of {@link runApiLoad}. */
export interface ApiLoadOptions {
  /** Connections, rising. @defaultValue 1, 4, 16, 64 */
  concurrency?: readonly number[];
  /** Seconds at each level. @defaultValue 3 */
  secondsPerLevel?: number;
}

/** One level of one endpoint, as autocannon measured it. */
interface Level {
  connections: number;
  requestsPerS: number;
  p99Ms: number;
  /** Non-2xx answers, timeouts and socket errors. */
  errors: number;
}

interface Target {
  name: string;
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  /** A fresh body per request (unique event ids, say). */
  body?: () => string;
}

/** The level after which more connections buy under 10 % more throughput: where queueing starts. */
function knee(levels: readonly Level[]): Level {
  for (let i = 0; i + 1 < levels.length; i++) {
    if (levels[i + 1]!.requestsPerS < levels[i]!.requestsPerS * 1.1) return levels[i]!;
  }
  return levels.at(-1)!;
}

async function cannon(url: string, target: Target, connections: number, seconds: number): Promise<Level> {
  const result = await autocannon({
    url: `${url}${target.path}`, method: target.method, connections, duration: seconds,
    headers: { ...target.headers, ...(target.body ? { 'content-type': 'application/json' } : {}) },
    ...(target.body ? { requests: [{ setupRequest: (req) => ({ ...req, body: target.body!() }) }] } : {}),
  });
  return {
    connections, requestsPerS: result.requests.average, p99Ms: result.latency.p99,
    errors: result.non2xx + result.errors + result.timeouts,
  };
}

const mib = (bytes: number) => Math.round(bytes / 2 ** 20);

/**
 * The API under load, as a shop's storefront and an operator's scripts would load it: autocannon at rising
 * concurrency against `GET /serve` (a storefront key), `POST /events` (batches of 20), `GET /api/jobs/:id` and
 * `POST /api/jobs` (an automation key; nothing renders, so jobs only queue), a bounded time per level. Each
 * endpoint's knee (the last level that still bought ≥ 10 % more throughput) is printed with its p99 and errors, and
 * the API's RSS before and after all of it. The ratio line: `GET /api/jobs/:id` at the knee concurrency of 16
 * against a bare fastify route answering the same bytes.
 */
export async function runApiLoad(opts: ApiLoadOptions = {}): Promise<BenchmarkResult> {
  const levels = opts.concurrency ?? [1, 4, 16, 64];
  const seconds = opts.secondsPerLevel ?? 3;
  const closers = new Closers();
  try {
    const unlimited = '100000000';
    const { app, api, database, baseUrl } = await startBenchFarm(closers, {
      listen: true, env: { RATE_LIMIT_STOREFRONT: unlimited, RATE_LIMIT_JOBS: unlimited, RATE_LIMIT_UPLOADS: unlimited },
    });
    const admin = (await app.accounts.users.findByEmail(app.config.auth.firstAdmin.email))!;
    const caller = { kind: 'user' as const, via: 'session' as const, roles: [...admin.roles], user: { id: admin.id, email: admin.email, roles: [...admin.roles] } };
    const automation = (await app.accounts.apiKeys.create(caller, { name: 'load', kind: 'automation', roles: ['admin'] })).key;
    const storefront = (await app.accounts.apiKeys.create(caller, { name: 'shop', kind: 'storefront' })).key;

    // What the endpoints need: an experiment to serve and count, an upload and a job to read.
    const { arms } = await seedExperiment(database, api, 'LOAD-1');
    const upload = await api.inject({ method: 'POST', url: '/api/assets', ...multipartFile(await makeProductPhoto(512), 'product.jpg', 'image/jpeg') });
    const productId = (upload.json() as { id: string }).id;
    const jobBody = JSON.stringify({ type: 'product-shot', recipe: 'product-shot/studio-local', inputs: { product: productId }, variants: 1 });
    const job = await api.inject({ method: 'POST', url: '/api/jobs', payload: JSON.parse(jobBody) as object });
    const jobId = (job.json() as { id: string }).id;

    const asAutomation = { authorization: `Bearer ${automation}` };
    const asShop = { authorization: `Bearer ${storefront}` };
    let visitor = 0;
    const targets: Target[] = [
      { name: 'GET /serve', method: 'GET', path: '/serve/LOAD-1/main?format=json&visitor=v1', headers: asShop },
      { name: 'POST /events', method: 'POST', path: '/events', headers: asShop, body: () => JSON.stringify({ events: Array.from({ length: 20 }, (_, i) => ({
        eventId: randomUUID(), type: i % 10 === 0 ? 'click' : 'impression', sku: 'LOAD-1', slot: 'main', assetId: arms[i % arms.length], visitor: `v${visitor++ % 5000}`, ts: new Date().toISOString(),
      })) }) },
      { name: 'GET /api/jobs/:id', method: 'GET', path: `/api/jobs/${jobId}`, headers: asAutomation },
      { name: 'POST /api/jobs', method: 'POST', path: '/api/jobs', headers: asAutomation, body: () => jobBody },
    ];

    const rssBefore = process.memoryUsage().rss;
    const notes: string[] = [];
    for (const target of targets) {
      const measured: Level[] = [];
      for (const connections of levels) measured.push(await cannon(baseUrl, target, connections, seconds));
      const k = knee(measured);
      const errorsToKnee = measured.filter((l) => l.connections <= k.connections).reduce((s, l) => s + l.errors, 0);
      notes.push(`  ${target.name}: knee at ${k.connections} connections, ${Math.round(k.requestsPerS)} req/s, p99 ${k.p99Ms} ms, ${errorsToKnee} errors up to it; `
        + measured.map((l) => `${l.connections}→${Math.round(l.requestsPerS)}/s p99 ${l.p99Ms} ms${l.errors ? ` ${l.errors} errors` : ''}`).join(', '));
    }
    const rssAfter = process.memoryUsage().rss;
    notes.push(`  API process RSS (API, Redis client, PGlite in one process): ${mib(rssBefore)} MiB before → ${mib(rssAfter)} MiB after (×${(rssAfter / rssBefore).toFixed(2)})`);

    // The ratio: the job view at 16 connections against a bare route answering the same bytes.
    const bytes = (await api.inject({ method: 'GET', url: `/api/jobs/${jobId}` })).body;
    const bare = Fastify({ logger: false });
    bare.get('/api/jobs/:id', async (_req, reply) => reply.header('content-type', 'application/json; charset=utf-8').send(bytes));
    const barePort = await freeLoopbackPort();
    await bare.listen({ port: barePort, host: '127.0.0.1' });
    closers.add(() => bare.close());
    const subjectPerS: number[] = [];
    const baselinePerS: number[] = [];
    for (let round = 0; round < 3; round++) {
      baselinePerS.push((await cannon(`http://127.0.0.1:${barePort}`, targets[2]!, 16, seconds)).requestsPerS);
      subjectPerS.push((await cannon(baseUrl, targets[2]!, 16, seconds)).requestsPerS);
    }
    return {
      name: apiLoad.name, comparison: { subjectPerS, baselinePerS }, itemNoun: 'requests', itemsPerRound: Math.round(subjectPerS[0]! * seconds),
      baselineLabel: 'a bare fastify route with the same bytes (GET /api/jobs/:id, 16 connections)', notes,
    };
  } finally {
    await closers.closeAll();
  }
}

export const apiLoad: Benchmark = { name: 'api-load', run: () => runApiLoad() };
