import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import Fastify from 'fastify';
import { freeLoopbackPort } from '@shotfarm/shared/queue';
import { interleave, median, type Benchmark, type BenchmarkResult } from '../measure.ts';
import { startBenchFarm } from '../bench-farm.ts';
import { seedExperiment } from '../seed-experiment.ts';
import { Closers } from '../closers.ts';

/** Options of {@link runStorefrontServe}. */
export interface StorefrontServeOptions {
  /** Requests in flight at once (keep-alive connections). @defaultValue 16 */
  concurrency?: number;
  /** Requests in each timed batch. @defaultValue 2000 */
  requestsPerRound?: number;
  /** @defaultValue 5 */
  rounds?: number;
  /** Event batches of 1,000 posted for the ingest figure. @defaultValue 20 */
  eventBatches?: number;
}

/** Keep-alive GETs at a fixed concurrency; resolves with every request's latency in ms. */
async function load(agent: http.Agent, port: number, path: (i: number) => string, requests: number, concurrency: number, headers: Record<string, string>): Promise<number[]> {
  const latencies: number[] = [];
  let next = 0;
  const one = () => new Promise<void>((resolve, reject) => {
    const i = next++;
    const t0 = performance.now();
    const req = http.request({ host: '127.0.0.1', port, path: path(i), agent, headers }, (res) => {
      res.resume();
      res.on('end', () => {
        if (res.statusCode !== 200) reject(new Error(`GET ${path(i)} answered ${res.statusCode}`));
        else { latencies.push(performance.now() - t0); resolve(); }
      });
    });
    req.on('error', reject);
    req.end();
  });
  await Promise.all(Array.from({ length: concurrency }, async () => { while (next < requests) await one(); }));
  return latencies;
}

const p99 = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(0.99 * s.length))]!; };

/**
 * `/serve` over real HTTP with a storefront key (auth, sticky assignment and impression count in one Redis Lua
 * call shared by the requests of one event-loop turn, in-memory weights) against a bare fastify route answering the same JSON bytes, same concurrency, same run.
 * Then `/events`: batches of 1,000 events (dedup + counters in Redis), and the flush of what they counted into Postgres.
 */
export async function runStorefrontServe(opts: StorefrontServeOptions = {}): Promise<BenchmarkResult> {
  const concurrency = opts.concurrency ?? 16;
  const requestsPerRound = opts.requestsPerRound ?? 2000;
  const closers = new Closers();
  try {
    const { app, api, database, baseUrl } = await startBenchFarm(closers, { listen: true, env: { RATE_LIMIT_STOREFRONT: '100000000' } }); // measured, not throttled
    const port = Number(new URL(baseUrl).port);
    const { experimentId, arms } = await seedExperiment(database, api, 'BENCH-1');
    const admin = (await app.accounts.users.findByEmail(app.config.auth.firstAdmin.email))!;
    const roles = [...admin.roles];
    const { key } = await app.accounts.apiKeys.create({ kind: 'user', via: 'session', roles, user: { id: admin.id, email: admin.email, roles } }, { name: 'shop', kind: 'storefront' });
    const headers = { authorization: `Bearer ${key}` };

    // The baseline answers what /serve answers, byte for byte, with no work behind it.
    const sample = await api.inject({ method: 'GET', url: '/serve/BENCH-1/main?format=json&visitor=sample', headers });
    const bytes = sample.body;
    const bare = Fastify({ logger: false });
    bare.get('/serve/:sku/:slot', async (_req, reply) => reply.header('content-type', 'application/json; charset=utf-8').header('cache-control', 'private, no-store').send(bytes));
    const barePort = await freeLoopbackPort();
    await bare.listen({ port: barePort, host: '127.0.0.1' });
    closers.add(() => bare.close());

    const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
    closers.add(async () => { agent.destroy(); });
    const visitorPath = (i: number) => `/serve/BENCH-1/main?format=json&visitor=v${i % 5000}`;
    const serveLatencies: number[] = [];
    const bareLatencies: number[] = [];
    const timed = async (target: number, into: number[]) => {
      const t0 = performance.now();
      const l = await load(agent, target, visitorPath, requestsPerRound, concurrency, headers);
      into.push(...l);
      return { items: requestsPerRound, elapsedMs: performance.now() - t0 };
    };
    const comparison = await interleave({
      rounds: opts.rounds ?? 5,
      warmUp: async () => { await load(agent, port, visitorPath, 1000, concurrency, headers); await load(agent, barePort, visitorPath, 1000, concurrency, headers); },
      baseline: () => timed(barePort, bareLatencies),
      subject: () => timed(port, serveLatencies),
    });
    console.log(`storefront-serve: /serve p99 ${p99(serveLatencies).toFixed(2)} ms (median ${median(serveLatencies).toFixed(2)} ms) vs bare fastify p99 ${p99(bareLatencies).toFixed(2)} ms at concurrency ${concurrency}, over HTTP keep-alive`);
    const { requests, calls } = app.experiments.serving.batcher.stats;
    console.log(`storefront-serve: ${requests.toLocaleString('en-US')} serves in ${calls.toLocaleString('en-US')} Redis calls (${(requests / calls).toFixed(1)} per call: the requests of one event-loop turn share one)`);

    // Where the time goes: the serving path alone (memory weights + one Redis Lua call), without HTTP or the caller lookup.
    const direct: number[] = [];
    const d0 = performance.now();
    await Promise.all(Array.from({ length: concurrency }, async (_, w) => {
      for (let i = w; i < requestsPerRound; i += concurrency) {
        const t = performance.now();
        await app.experiments.serving.serve('BENCH-1', 'main', `v${i % 5000}`, true);
        direct.push(performance.now() - t);
      }
    }));
    console.log(`storefront-serve: the serving path alone (in process, no HTTP, no key lookup): ${Math.round((requestsPerRound / (performance.now() - d0)) * 1000).toLocaleString('en-US')} calls/s, p99 ${p99(direct).toFixed(2)} ms`);

    // /events: batches of 1,000 (half impressions, half clicks), each event a Redis dedup key and a counter increment.
    const batches = opts.eventBatches ?? 20;
    const bodies = Array.from({ length: batches }, () => JSON.stringify({ events: Array.from({ length: 1000 }, (_, i) => ({
      eventId: randomUUID(), type: i % 2 ? 'click' : 'impression', sku: 'BENCH-1', slot: 'main', assetId: arms[i % arms.length], visitor: `v${i}`, ts: new Date().toISOString(),
    })) }));
    const t0 = performance.now();
    let accepted = 0;
    for (const body of bodies) {
      const res = await app.inject({ method: 'POST', url: '/events', payload: body, headers: { ...headers, 'content-type': 'application/json' } });
      if (res.statusCode !== 202) throw new Error(`/events answered ${res.statusCode}: ${res.body}`);
      accepted += (res.json() as { accepted: number }).accepted;
    }
    const ingestMs = performance.now() - t0;
    const f0 = performance.now();
    await app.experiments.updater.updateExperiment(experimentId);
    const flushMs = performance.now() - f0;
    console.log(`storefront-events: ${Math.round((accepted / ingestMs) * 1000).toLocaleString('en-US')} events/s ingested (${accepted.toLocaleString('en-US')} in batches of 1,000: `
      + `a Redis SET NX + HINCRBY each, one Lua call per batch); flushing them to Postgres and recomputing the allocation (10,000 posterior draws) took ${flushMs.toFixed(0)} ms`);
    return { name: storefrontServe.name, comparison, itemNoun: 'requests', itemsPerRound: requestsPerRound, baselineLabel: 'bare fastify route, same bytes' };
  } finally {
    await closers.closeAll();
  }
}

export const storefrontServe: Benchmark = { name: 'storefront-serve', run: () => runStorefrontServe() };
