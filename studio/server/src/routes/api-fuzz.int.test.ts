import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFarm, type Farm } from '../../test/harness.ts';

/**
 * Property: whatever arrives as a JSON body, a query string or a path parameter, the API answers below 500 with a
 * machine-readable code. The generators include what broke it before (issue 21): nesting thousands of levels deep,
 * strings of megabytes, and binary (NUL, control characters, lone surrogates, invalid UTF-8) in text fields.
 */

/** JSON text nested `levels` deep, in arrays or objects, optionally inside a field real bodies have. */
const deepJson = fc.record({ levels: fc.integer({ min: 50, max: 5000 }), open: fc.constantFrom('[', '{"a":'), field: fc.constantFrom('', 'params', 'inputs', 'sweep') })
  .map(({ levels, open, field }) => {
    const close = open === '[' ? ']' : '}';
    const nested = `${open.repeat(levels)}1${close.repeat(levels)}`;
    return field ? `{"type":"product-shot","${field}":${nested}}` : nested;
  });

/** Text a form field should never hold. */
const hostileText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 64 }), // any code point, lone surrogates included
  fc.string({ unit: fc.integer({ min: 0, max: 0x1f }).map((c) => String.fromCharCode(c)), maxLength: 32 }), // NUL and control characters
  fc.integer({ min: 10_000, max: 2_000_000 }).map((n) => 'x'.repeat(n)), // huge, past the 1 MB body limit too
  fc.constantFrom('../../etc/passwd', '1e300', '-0', 'NaN', '__proto__', 'constructor', '<script>alert(1)</script>', "'; drop table jobs; --", '\u0000'),
);

/** Any JSON value, with hostile leaves. */
const jsonValue = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true },
    hostileText, fc.string({ maxLength: 20 }), fc.integer(), fc.double(), fc.boolean(), fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }), fc.dictionary(fc.string({ maxLength: 12 }), tie('value'), { maxKeys: 4 })),
})).value;

/** Bodies shaped like real requests (the fields routes read), with hostile values, plus raw text and bytes. */
const body = fc.oneof(
  fc.record({ type: jsonValue, recipe: jsonValue, inputs: jsonValue, params: jsonValue, variants: jsonValue, sweep: jsonValue, priority: jsonValue }, { requiredKeys: [] })
    .map((b) => ({ text: JSON.stringify(b), contentType: 'application/json' })),
  fc.record({ email: jsonValue, password: jsonValue, name: jsonValue, roles: jsonValue }, { requiredKeys: [] }).map((b) => ({ text: JSON.stringify(b), contentType: 'application/json' })),
  // The storefront's event batch and the launch, experiment, webhook and price bodies' fields.
  fc.record({ events: fc.oneof(jsonValue, fc.array(fc.record({ eventId: jsonValue, type: jsonValue, sku: jsonValue, slot: jsonValue, visitor: jsonValue, at: jsonValue, arm: jsonValue }, { requiredKeys: [] }), { maxLength: 5 })) })
    .map((b) => ({ text: JSON.stringify(b), contentType: 'application/json' })),
  fc.record({ url: jsonValue, sku: jsonValue, slot: jsonValue, arms: jsonValue, picks: jsonValue, rows: jsonValue, prices: jsonValue, limit: jsonValue, dailyBudget: jsonValue, allowInternal: jsonValue }, { requiredKeys: [] })
    .map((b) => ({ text: JSON.stringify(b), contentType: 'application/json' })),
  jsonValue.map((v) => ({ text: JSON.stringify(v) ?? 'null', contentType: 'application/json' })),
  deepJson.map((text) => ({ text, contentType: 'application/json' })),
  fc.uint8Array({ maxLength: 512 }).map((bytes) => ({ text: Buffer.from(bytes), contentType: 'application/json' })), // invalid UTF-8 as "JSON"
  fc.tuple(hostileText, fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded')).map(([text, contentType]) => ({ text, contentType })),
);

/**
 * The run's seed: printed on every run, so a failure reproduces with `FUZZ_SEED=<seed>` (fast-check also prints its
 * counterexample path on failure). `FUZZ_RUNS` scales the number of runs per route.
 */
const seed = process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : Math.floor(Math.random() * 2 ** 31);
if (!Number.isSafeInteger(seed)) throw new Error(`FUZZ_SEED must be an integer, got ${process.env.FUZZ_SEED}`);
const runsPerRoute = Number(process.env.FUZZ_RUNS ?? 8);
console.info(`api-fuzz seed: ${seed} (reproduce with FUZZ_SEED=${seed})`);
/** fast-check's options for the property numbered `n`: each route gets its own stream of inputs from the one seed. */
const fuzzOptions = (n: number, numRuns = runsPerRoute) => ({ seed: seed + n, numRuns });

/** Query strings: parameter names the routes read, and any names, with hostile values. */
const queryPairs = fc.array(fc.tuple(
  fc.oneof(fc.constantFrom('limit', 'cursor', 'status', 'type', 'sort', 'lastEventId', 'q', 'kind', 'jobId', 'recipe', 'visitor', 'format', 'record', 'exp', 'sig', 'download', 'from', 'to', 'day', 'sku', 'launchId'), fc.string({ maxLength: 8 })),
  hostileText.filter((s) => s.length < 20_000),
), { maxLength: 4 });
const queryString = (pairs: [string, string][]) => new URLSearchParams(pairs.map(([k, v]): [string, string] => [k, v.replace(/[\uD800-\uDFFF]/g, '?')])).toString();

const pathParam = fc.oneof(fc.uuid({ version: 7 }), hostileText.filter((s) => s.length < 2000).map(encodeURIComponent), fc.constant('0190aaaa-0000-7000-8000-000000000000'));

describe('API fuzz: no 5xx for any body, query or path', () => {
  let farm: Farm;
  let routes: { method: string; url: string }[];
  beforeAll(async () => {
    farm = await startFarm({ RATE_LIMIT_JOBS: '100000', RATE_LIMIT_UPLOADS: '100000', RATE_LIMIT_LOGIN: '100000', RATE_LIMIT_STOREFRONT: '100000' });
    // The public API as the access table lists it: /api/*, the storefront's /serve and /events, and signed /files
    // URLs. Not the event streams (a stream that opens never ends; their headers are fuzzed below), the studio's
    // static files, the API docs or the queue board (a library's UI).
    const isStream = (r: { method: string; url: string }) => r.method === 'GET' && r.url.startsWith('/api/') && r.url.endsWith('/events');
    routes = (farm.app.routeAccessTable ?? [])
      .filter((r) => (r.url.startsWith('/api/') || r.access === 'storefront' || r.url === '/files/*') && r.method !== 'HEAD' && !isStream(r))
      .map((r) => ({ method: r.method, url: r.url }));
    expect(routes.length).toBeGreaterThan(10);
    expect(routes).toContainEqual({ method: 'POST', url: '/events' });
    expect(routes).toContainEqual({ method: 'GET', url: '/serve/:sku/:slot' });
    console.info(`api-fuzz: ${routes.length} routes × ${runsPerRoute} runs each (FUZZ_RUNS)`);
  });
  afterAll(() => farm.close());

  const fill = (url: string, id: string) => url.replace(/:[A-Za-z]+/g, id).replace(/\*$/, id);
  const check = (res: { statusCode: number; body: string }, what: string) => {
    if (res.statusCode >= 500) throw new Error(`${what} → ${res.statusCode} ${res.body.slice(0, 300)}`);
    if (res.statusCode >= 400) expect(JSON.parse(res.body).code, what).toMatch(/^SF_[A-Z_]+$/);
  };

  it('every state-changing route, any body and query string', async () => {
    const writes = routes.filter((r) => ['POST', 'PUT', 'PATCH', 'DELETE'].includes(r.method) && r.url !== '/api/session');
    expect(writes.length).toBeGreaterThan(10);
    // Every route gets its own runs (not a random pick among them), so none goes untried.
    for (const [n, route] of writes.entries()) {
      await fc.assert(fc.asyncProperty(body, pathParam, queryPairs, async (b, id, pairs) => {
        const qs = queryString(pairs);
        const url = `${fill(route.url, id)}${qs ? `?${qs}` : ''}`;
        const res = await farm.inject({ method: route.method as 'POST', url, payload: b.text, headers: { 'content-type': b.contentType } });
        check(res, `${route.method} ${url.slice(0, 120)} with ${String(b.text).slice(0, 80)} (FUZZ_SEED=${seed})`);
      }), fuzzOptions(n));
    }
  }, 600_000);

  it('every reading route, any query string and path parameter', async () => {
    const reads = routes.filter((r) => r.method === 'GET');
    expect(reads.length).toBeGreaterThan(10);
    for (const [n, route] of reads.entries()) {
      await fc.assert(fc.asyncProperty(queryPairs, pathParam, async (pairs, id) => {
        const qs = queryString(pairs);
        const url = `${fill(route.url, id)}${qs ? `?${qs}` : ''}`;
        const res = await farm.inject({ method: 'GET', url });
        check(res, `GET ${url.slice(0, 160)} (FUZZ_SEED=${seed})`);
      }), fuzzOptions(1000 + n));
    }
  }, 600_000);

  it('the event stream refuses hostile Last-Event-ID headers and queries before it opens', async () => {
    const { id } = (await farm.inject({ method: 'POST', url: '/api/jobs', payload: { type: 'product-shot', recipe: 'product-shot/studio-local', inputs: {}, params: {} } })).json();
    // The job does not exist (422 above) → 404 before any stream; a real job's stream is covered in hostile-requests.
    await fc.assert(fc.asyncProperty(hostileText.filter((s) => s.length < 4000), async (value) => {
      const header = value.replace(/[^\x20-\x7e]/g, '');
      const res = await farm.inject({ method: 'GET', url: `/api/jobs/${id ?? '0190aaaa-0000-7000-8000-000000000000'}/events`, headers: { 'last-event-id': header } });
      check(res, `Last-Event-ID ${header.slice(0, 40)} (FUZZ_SEED=${seed})`);
    }), fuzzOptions(2000, 50));
  }, 120_000);
});
