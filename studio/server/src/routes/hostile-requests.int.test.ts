import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { tables } from '@shotfarm/shared/db';
import { listProductPhotos, multipartFile, startFarm, type Farm } from '../../test/harness.ts';

/**
 * Requests an attacker or a flaky network sends: each is refused with a 4xx and a code (or answered once), and
 * leaves storage and the database as they were. Issue 21.
 */
describe('hostile requests', () => {
  let farm: Farm;
  let productId: string;
  beforeAll(async () => {
    farm = await startFarm({}, { listen: true });
    const photo = await readFile((await listProductPhotos())[0]!);
    productId = (await farm.inject({ method: 'POST', url: '/api/assets', ...multipartFile(photo, 'p.jpg') })).json().id;
  });
  afterAll(() => farm.close());

  const job = () => ({ type: 'product-shot', recipe: 'product-shot/studio-local', inputs: { product: productId }, params: {}, variants: 2 });

  describe('Host header (DNS rebinding)', () => {
    it.each(['attacker.example', 'attacker.example:3000', '127.0.0.1.nip.io', 'localhost.attacker.example'])('refuses Host %j with 421', async (host) => {
      const res = await farm.inject({ method: 'GET', url: '/api/jobs', headers: { host } });
      expect(res.statusCode).toBe(421);
      expect(res.json().code).toBe('SF_HOST_NOT_ALLOWED');
      expect(res.body).not.toContain('"items"');
    });

    it.each(['localhost', 'localhost:80', '127.0.0.1:3000', '[::1]:3000', 'LOCALHOST'])('answers loopback Host %j', async (host) => {
      expect((await farm.inject({ method: 'GET', url: '/healthz', headers: { host } })).statusCode).toBe(200);
    });

    it("answers the configured public host (PUBLIC_URL's), so signed URLs keep working", async () => {
      const res = await fetch(`${farm.baseUrl}/healthz`);
      expect(res.status).toBe(200);
      expect(new URL(farm.baseUrl).hostname).toBe('127.0.0.1');
    });
  });

  describe('JSON nesting', () => {
    const nested = (levels: number) => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;

    it('refuses params nested 1,500 levels deep with 400 before any schema runs, nothing stored', async () => {
      const before = await farm.snapshot();
      const body = JSON.stringify(job()).replace('"params":{}', `"params":${nested(1500)}`);
      const res = await farm.inject({ method: 'POST', url: '/api/jobs', payload: body, headers: { 'content-type': 'application/json' } });
      expect(res.statusCode).toBe(400);
      expect(res.json().code).toBe('SF_REQUEST_TOO_DEEP');
      expect(await farm.snapshot()).toEqual(before);
    });

    it('refuses an import body nested 2,000 levels deep with 400', async () => {
      const res = await farm.inject({ method: 'POST', url: '/api/recipes/import', payload: `[${nested(2000)}]`, headers: { 'content-type': 'application/json' } });
      expect(res.statusCode).toBe(400);
      expect(res.json().code).toBe('SF_REQUEST_TOO_DEEP');
    });

    it('accepts nesting a real body has, and brackets inside strings do not count', async () => {
      const res = await farm.inject({ method: 'POST', url: '/api/jobs', payload: { ...job(), params: { color: '[[[[{{{{'.repeat(200) } } });
      expect(res.statusCode).toBe(422); // a bad colour, judged by the schema: the depth guard let it through
      expect(res.json().code).toBe('SF_JOB_PARAMS_INVALID');
    });
  });

  describe('Idempotency-Key on POST /api/jobs', () => {
    const submit = (body: object, key?: string) => farm.inject({ method: 'POST', url: '/api/jobs', payload: body, headers: key ? { 'idempotency-key': key } : {} });

    it('the same key and body answer the same job again; nothing is created twice', async () => {
      const first = await submit(job(), 'retry-me-1');
      expect(first.statusCode).toBe(201);
      const before = await farm.snapshot();
      const retried = await submit({ ...job() }, 'retry-me-1');
      expect(retried.statusCode).toBe(201);
      expect(retried.json()).toEqual(first.json());
      expect(retried.headers['idempotency-replayed']).toBe('true');
      // Keys reordered are the same body.
      const reordered = await submit(Object.fromEntries(Object.entries(job()).reverse()), 'retry-me-1');
      expect(reordered.json().id).toBe(first.json().id);
      expect(await farm.snapshot()).toEqual(before);
    });

    it('the same key with another body is refused with 422, nothing stored', async () => {
      await submit(job(), 'retry-me-2');
      const before = await farm.snapshot();
      const res = await submit({ ...job(), variants: 3 }, 'retry-me-2');
      expect(res.statusCode).toBe(422);
      expect(res.json().code).toBe('SF_IDEMPOTENCY_KEY_REUSED');
      expect(await farm.snapshot()).toEqual(before);
    });

    it('ten copies racing with one key create one job', async () => {
      const before = await farm.snapshot();
      const answers = await Promise.all(Array.from({ length: 10 }, () => submit(job(), 'race-key')));
      const created = answers.filter((a) => a.statusCode === 201);
      expect(created.length).toBeGreaterThanOrEqual(1);
      expect(new Set(created.map((a) => a.json().id)).size).toBe(1);
      for (const a of answers.filter((x) => x.statusCode !== 201)) expect(a.json().code).toBe('SF_IDEMPOTENCY_IN_PROGRESS');
      expect((await farm.snapshot()).jobs).toBe(before.jobs + 1);
    });

    it('a refused request does not keep its key: the corrected retry goes through', async () => {
      const bad = await submit({ ...job(), variants: 99 }, 'fix-and-retry');
      expect(bad.statusCode).toBe(422);
      expect((await submit({ ...job(), variants: 99 }, 'fix-and-retry')).statusCode).toBe(422);
      // A different body under the key is refused only once an answer is kept.
      expect((await submit(job(), 'fix-and-retry')).statusCode).toBe(201);
    });
  });

  describe('job event stream', () => {
    let jobId: string;
    beforeAll(async () => { jobId = (await farm.inject({ method: 'POST', url: '/api/jobs', payload: job() })).json().id; });

    it.each(['1e300', '-1', '1.5', 'abc', '99999999999999999999'])('refuses Last-Event-ID %j with 400 before the stream opens', async (id) => {
      const res = await farm.inject({ method: 'GET', url: `/api/jobs/${jobId}/events`, headers: { 'last-event-id': id } });
      expect(res.statusCode).toBe(400);
      expect(res.json().code).toBe('SF_REQUEST_INVALID');
      const query = await farm.inject({ method: 'GET', url: `/api/jobs/${jobId}/events?lastEventId=${encodeURIComponent(id)}` });
      expect(query.statusCode).toBe(400);
    });

    it('ends a stream whose replay query fails with an error event instead of heartbeats forever', async () => {
      const db = farm.app.db;
      const realSelect = db.select.bind(db);
      // Reading job_events (the replay) fails as a lost database connection would; every other query works.
      const spy = vi.spyOn(db, 'select').mockImplementation(((...args: Parameters<typeof db.select>) => {
        const query = realSelect(...args);
        const realFrom = query.from.bind(query);
        return Object.assign(query, { from: (table: Parameters<typeof realFrom>[0]) => {
          if (table === tables.jobEvents) throw new Error('connection to the database was lost');
          return realFrom(table);
        } });
      }) as typeof db.select);
      try {
        const res = await fetch(`${farm.baseUrl}/api/jobs/${jobId}/events`, { headers: farm.authHeaders, signal: AbortSignal.timeout(10_000) });
        expect(res.status).toBe(200);
        const text = await res.text(); // resolves only because the server ends the stream
        expect(text).toContain('event: error');
        expect(text).toContain('SF_INTERNAL');
        expect(text).not.toContain('connection to the database was lost');
      } finally {
        spy.mockRestore();
      }
    });
  });

  it('/api/farm counts prioritised render tasks as waiting (BullMQ keeps them in their own set)', async () => {
    const before = (await farm.inject({ method: 'GET', url: '/api/farm' })).json().queues.render.waiting;
    await farm.inject({ method: 'POST', url: '/api/jobs', payload: { ...job(), variants: 3, priority: 9 } });
    const counts = await farm.app.queues.render.getJobCounts('wait', 'prioritized');
    expect(counts.prioritized).toBeGreaterThanOrEqual(3);
    const after = (await farm.inject({ method: 'GET', url: '/api/farm' })).json().queues.render.waiting;
    expect(after).toBe(before + 3);
  });
});
