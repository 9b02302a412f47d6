import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId, type ExperimentCreated, type ExperimentView, type ServeAnswer, type SlotView } from '@shotfarm/shared';
import { tables } from '@shotfarm/shared/db';
import { startFarm, waitFor, type Farm } from '../../test/harness.ts';
import { buildApp } from '../app.ts';
import { ExperimentKeys, counterField } from '../services/experiments/experiment-keys.ts';

// Small guardrails so a test reaches a decision with a few thousand events.
const quick = { minImpressionsPerArm: 200, minClicksPerArm: 5, minRuntimeS: 0, maxRuntimeS: 86400 };

let farm: Farm;
let skuCounter = 0;

// A shared machine can take a while to start redis-server, PGlite and the API.
beforeAll(async () => { farm = await startFarm({ EXPERIMENT_UPDATE_S: '3600' }); }, 180_000);
afterAll(async () => { await farm?.close(); });

/** Stored image rows (the storefront needs only their keys), optionally with a CTR score. */
async function images(n: number, ctrs: (number | undefined)[] = []): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const id = newId();
    await farm.database.db.insert(tables.assets).values({ id, kind: 'output', mime: 'image/png', width: 800, height: 800, bytes: 1000, sha256: id.replaceAll('-', ''), key: `test/${id}.png` });
    const ctr = ctrs[i];
    if (ctr !== undefined) {
      await farm.database.db.insert(tables.scores).values({ id: newId(), assetId: id, modelVersion: 'test', quality: 0.8, ctr, phash: '0123456789abcdef', gatesPassed: [], result: {} as never, scoreMs: 1 });
    }
    ids.push(id);
  }
  return ids;
}

const nextSku = () => `SKU-${++skuCounter}-${randomUUID().slice(0, 6)}`;

async function create(sku: string, arms: string[], extra: Record<string, unknown> = {}): Promise<ExperimentCreated> {
  const res = await farm.inject({ method: 'POST', url: '/api/experiments', payload: { sku, slot: 'main', arms, guardrails: quick, ...extra } });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

const view = async (id: string, app?: FastifyInstance): Promise<ExperimentView> =>
  (await (app ? app.inject({ method: 'GET', url: `/api/experiments/${id}`, headers: farm.authHeaders }) : farm.inject({ method: 'GET', url: `/api/experiments/${id}` }))).json();

async function serve(sku: string, visitor: string | undefined, app?: FastifyInstance, record = true): Promise<ServeAnswer> {
  const url = `/serve/${sku}/main?format=json${visitor ? `&visitor=${visitor}` : ''}${record ? '' : '&record=0'}`;
  const res = app ? await app.inject({ method: 'GET', url, headers: farm.authHeaders }) : await farm.inject({ method: 'GET', url });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

/** Events for one arm: `impressions` impressions of which `clicks` clicked. */
function traffic(sku: string, assetId: string, impressions: number, clicks: number, ts = new Date().toISOString()) {
  const events = [];
  for (let i = 0; i < impressions; i++) {
    const visitor = `v-${randomUUID()}`;
    events.push({ eventId: randomUUID(), type: 'impression', sku, slot: 'main', assetId, visitor, ts });
    if (i < clicks) events.push({ eventId: randomUUID(), type: 'click', sku, slot: 'main', assetId, visitor, ts });
  }
  return events;
}

/** A second API replica on the same Redis and database, ready to serve. */
async function startReplica() {
  const replica = await buildApp({ config: farm.config, redisUrl: farm.redis.url, database: farm.database, logger: false });
  await replica.ready();
  return replica;
}

async function post(events: unknown[], app?: FastifyInstance) {
  const out = { accepted: 0, duplicates: 0, rejected: [] as { index: number; code: string }[] };
  for (let i = 0; i < events.length; i += 1000) {
    const payload = { events: events.slice(i, i + 1000) };
    const res = app ? await app.inject({ method: 'POST', url: '/events', payload, headers: farm.authHeaders }) : await farm.inject({ method: 'POST', url: '/events', payload });
    expect(res.statusCode, res.body).toBe(202);
    const body = res.json();
    out.accepted += body.accepted; out.duplicates += body.duplicates;
    out.rejected.push(...body.rejected.map((r: { index: number; code: string }) => ({ ...r, index: r.index + i })));
  }
  return out;
}

const update = () => farm.app.experiments.updater.runOnce();

describe('experiments', () => {
  it('starts with the live image as control, scorer priors for scored arms and Beta(1,1) for unscored ones', async () => {
    const sku = nextSku();
    const [live, a, b, c] = await images(4, [0.04, 0.02, 0.06, undefined]);
    expect((await farm.inject({ method: 'PUT', url: `/api/slots/${sku}/main`, payload: { assetId: live } })).statusCode).toBe(200);
    const created = await create(sku, [a!, b!, c!]);
    expect(created.status).toBe('running');
    expect(created.arms.map((x) => x.assetId)).toEqual([live, a, b, c]);
    // No finished experiments yet: the default m = 20; no baseline yet, so p̂ is the prediction itself.
    expect(created.arms[0]!.prior.alpha).toBeCloseTo(20 * 0.04, 10);
    expect(created.arms[1]!.prior.alpha).toBeCloseTo(20 * 0.02, 10);
    expect(created.arms[2]!.prior.beta).toBeCloseTo(20 * 0.94, 10);
    expect(created.arms[3]!.prior).toEqual({ alpha: 1, beta: 1 });
    for (const arm of created.arms) expect(arm.weight).toBeCloseTo(0.25, 10);
    const v = await view(created.id);
    expect(v.arms[0]!.control).toBe(true);
    expect(v.decision.state).toBe('collecting');

    const again = await farm.inject({ method: 'POST', url: '/api/experiments', payload: { sku, slot: 'main', arms: [a, b] } });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('SF_EXPERIMENT_SLOT_BUSY');
    await farm.inject({ method: 'POST', url: `/api/experiments/${created.id}/stop` });
  });

  it('an Idempotency-Key makes a retried start return the same experiment; the same key with another body is 422', async () => {
    const sku = nextSku();
    const [a, b] = await images(2);
    const before = (await farm.database.db.select().from(tables.experiments)).length;
    const start = (arms: string[]) => farm.inject({ method: 'POST', url: '/api/experiments', headers: { 'idempotency-key': `start-${sku}` },
      payload: { sku, slot: 'main', arms, guardrails: quick } });
    const first = await start([a!, b!]);
    expect(first.statusCode).toBe(201);
    const retried = await start([a!, b!]);
    expect(retried.statusCode).toBe(201);
    expect(retried.headers['idempotency-replayed']).toBe('true');
    expect(retried.json().id).toBe(first.json().id);
    const other = await start([b!, a!]);
    expect(other.statusCode).toBe(422);
    expect(other.json().code).toBe('SF_IDEMPOTENCY_KEY_REUSED');
    expect((await farm.database.db.select().from(tables.experiments)).length).toBe(before + 1);
    await farm.inject({ method: 'POST', url: `/api/experiments/${first.json().id}/stop` });
  });

  it('refuses bad experiments with a code and stores nothing', async () => {
    const sku = nextSku();
    const [a, b] = await images(2);
    const before = (await farm.database.db.select().from(tables.experiments)).length;
    for (const [payload, code] of [
      [{ sku, slot: 'main', arms: [a, a] }, 'SF_EXPERIMENT_INVALID'],
      [{ sku, slot: 'main', arms: [a] }, 'SF_EXPERIMENT_INVALID'],
      [{ sku, slot: 'main', arms: [a, newId()] }, 'SF_EXPERIMENT_INVALID'],
      [{ sku, slot: 'main', arms: [a, b], policy: 'fixed' }, 'SF_EXPERIMENT_INVALID'],
      [{ sku, slot: 'main', arms: [a, b], guardrails: { minRuntimeS: 100, maxRuntimeS: 60 } }, 'SF_REQUEST_INVALID'],
      [{ sku: 'bad sku!', slot: 'main', arms: [a, b] }, 'SF_REQUEST_INVALID'],
    ] as const) {
      const res = await farm.inject({ method: 'POST', url: '/api/experiments', payload });
      expect(res.json().code, JSON.stringify(payload)).toBe(code);
    }
    expect((await farm.database.db.select().from(tables.experiments)).length).toBe(before);
  });

  it('serves 404 SF_SLOT_EMPTY with nothing live, the live image with no experiment, and refuses anonymous callers', async () => {
    const sku = nextSku();
    const empty = await farm.inject({ method: 'GET', url: `/serve/${sku}/main?visitor=x` });
    expect(empty.statusCode).toBe(404);
    expect(empty.json().code).toBe('SF_SLOT_EMPTY');
    const [live] = await images(1);
    await farm.inject({ method: 'PUT', url: `/api/slots/${sku}/main`, payload: { assetId: live } });
    const redirect = await farm.inject({ method: 'GET', url: `/serve/${sku}/main?visitor=x` });
    expect(redirect.statusCode).toBe(302);
    expect(redirect.headers.location).toContain(`test/${live}.png`);
    expect((await serve(sku, 'x')).experimentId).toBeNull();
    const anonymous = await farm.app.inject({ method: 'GET', url: `/serve/${sku}/main?visitor=x` });
    expect(anonymous.statusCode).toBe(401);
    const anonymousEvents = await farm.app.inject({ method: 'POST', url: '/events', payload: { events: traffic(sku, live!, 1, 1) } });
    expect(anonymousEvents.statusCode).toBe(401);
  });

  it('keeps each visitor on their first image while new visitors follow the moved weights', async () => {
    const sku = nextSku();
    const arms = await images(2);
    const xp = await create(sku, arms);
    const first = new Map<string, string>();
    for (let i = 0; i < 40; i++) first.set(`sticky-${i}`, (await serve(sku, `sticky-${i}`)).assetId);
    // Both arms are served to someone (50/50 during the burn-in).
    expect(new Set(first.values()).size).toBe(2);
    // Arm 1 wins clearly; after an update the weights move towards it.
    await post([...traffic(sku, arms[0]!, 1000, 10), ...traffic(sku, arms[1]!, 1000, 120)]);
    await update();
    const moved = await view(xp.id);
    expect(moved.arms[1]!.weight).toBeGreaterThan(0.95);
    expect(moved.arms[0]!.weight).toBeCloseTo(0.01, 5);
    for (const [visitor, assetId] of first) expect((await serve(sku, visitor)).assetId).toBe(assetId);
    let newOnLeader = 0;
    for (let i = 0; i < 60; i++) if ((await serve(sku, `fresh-${i}`)).assetId === arms[1]) newOnLeader++;
    expect(newOnLeader).toBeGreaterThan(50);
    await farm.inject({ method: 'POST', url: `/api/experiments/${xp.id}/stop` });
  });

  it('holds equal weights during the burn-in, then floors the loser at 1%', async () => {
    const sku = nextSku();
    const arms = await images(3);
    const xp = await create(sku, arms);
    await post([...traffic(sku, arms[0]!, 500, 100), ...traffic(sku, arms[1]!, 500, 10), ...traffic(sku, arms[2]!, 99, 1)]);
    await update();
    let v = await view(xp.id);
    for (const arm of v.arms) expect(arm.weight).toBeCloseTo(1 / 3, 10);
    expect(v.arms[0]!.pBest).toBeGreaterThan(0.99);
    expect(v.weightsHistory).toHaveLength(1);
    await post(traffic(sku, arms[2]!, 1, 0));
    await update();
    v = await view(xp.id);
    expect(v.arms.map((a) => a.weight)[1]).toBeCloseTo(0.01, 5);
    expect(v.arms.map((a) => a.weight)[2]).toBeCloseTo(0.01, 5);
    expect(v.arms[0]!.weight).toBeCloseTo(0.98, 5);
    expect(v.weightsHistory).toHaveLength(2);
    expect(v.weightsHistory[1]!.weights[0]).toBeCloseTo(0.98, 5);
    expect(v.arms[0]!.ctr.low).toBeLessThan(0.2);
    expect(v.arms[0]!.ctr.high).toBeGreaterThan(0.2);
    await farm.inject({ method: 'POST', url: `/api/experiments/${xp.id}/stop` });
  });

  it('decides: collecting without a clear winner, ready and auto-promoted with one', async () => {
    const sku = nextSku();
    const arms = await images(2);
    const close = await create(sku, arms);
    await post([...traffic(sku, arms[0]!, 300, 30), ...traffic(sku, arms[1]!, 300, 31)]);
    await update();
    expect((await view(close.id)).decision).toMatchObject({ state: 'collecting', reason: 'no-clear-winner' });
    await farm.inject({ method: 'POST', url: `/api/experiments/${close.id}/stop` });

    const auto = await create(sku, arms, { autoPromote: true });
    await post([...traffic(sku, arms[0]!, 400, 8), ...traffic(sku, arms[1]!, 400, 60)]);
    await update();
    const v = await view(auto.id);
    expect(v.status).toBe('promoted');
    expect(v.decision).toMatchObject({ state: 'promoted', leaderAssetId: arms[1] });
    const slot: SlotView = (await farm.inject({ method: 'GET', url: `/api/slots/${sku}/main` })).json();
    expect(slot.live?.assetId).toBe(arms[1]);
    expect(slot.history[0]).toMatchObject({ reason: 'experiment', experimentId: auto.id, assetId: arms[1] });
    // The slot now serves the winner to everyone, outside any experiment.
    expect(await serve(sku, 'anyone')).toMatchObject({ assetId: arms[1], experimentId: null });
  });

  it('flags a sample-ratio mismatch on a skewed split and blocks the decision', async () => {
    const sku = nextSku();
    const arms = await images(2);
    const xp = await create(sku, arms, { policy: 'fixed', fixedWeights: [1, 1] });
    // A storefront whose cache serves arm 0 more than the 50/50 it was told: 1,150 against 850 new visitors.
    const keys = new ExperimentKeys(farm.config.queuePrefix);
    await farm.app.queues.redis.hincrby(keys.counters(xp.id), counterField(0, 'a', 0), 1150);
    await farm.app.queues.redis.hincrby(keys.counters(xp.id), counterField(0, 'a', 1), 850);
    await post([...traffic(sku, arms[0]!, 1150, 10), ...traffic(sku, arms[1]!, 850, 120)]);
    await update();
    const v = await view(xp.id);
    expect(v.srmPValue).toBeLessThan(0.001);
    expect(v.decision).toMatchObject({ state: 'srm', reason: 'srm' });
    expect(v.arms.map((a) => a.weight)).toEqual([0.5, 0.5]);

    // The same counts on a fair split pass.
    const fairSku = nextSku();
    const fair = await create(fairSku, arms, { policy: 'fixed', fixedWeights: [1, 1] });
    await farm.app.queues.redis.hincrby(keys.counters(fair.id), counterField(0, 'a', 0), 1010);
    await farm.app.queues.redis.hincrby(keys.counters(fair.id), counterField(0, 'a', 1), 990);
    await update();
    expect((await view(fair.id)).srmPValue).toBeGreaterThan(0.1);
    for (const id of [xp.id, fair.id]) await farm.inject({ method: 'POST', url: `/api/experiments/${id}/stop` });
  });

  it('counts a duplicate eventId once, late events within the window, and rejects the rest with codes', async () => {
    const sku = nextSku();
    const arms = await images(2);
    const [stranger] = await images(1);
    const xp = await create(sku, arms);
    const now = Date.now();
    const base = { sku, slot: 'main', visitor: 'v1' };
    const dup = { ...base, eventId: randomUUID(), type: 'click', assetId: arms[0], ts: new Date(now).toISOString() };
    const result = await post([
      { ...base, eventId: randomUUID(), type: 'impression', assetId: arms[0], ts: new Date(now - 23 * 3600_000).toISOString() }, // late, in the window
      dup, dup,
      { ...base, eventId: randomUUID(), type: 'impression', assetId: arms[1], ts: new Date(now - 25 * 3600_000).toISOString() }, // too late
      { ...base, eventId: randomUUID(), type: 'click', assetId: arms[1], ts: new Date(now + 3600_000).toISOString() }, // future
      { ...base, eventId: randomUUID(), type: 'click', assetId: stranger, ts: new Date(now).toISOString() },
      { ...base, sku: nextSku(), eventId: randomUUID(), type: 'click', assetId: arms[0], ts: new Date(now).toISOString() },
      { ...base, eventId: 'short', type: 'click', assetId: arms[0], ts: new Date(now).toISOString() },
    ]);
    expect(result.accepted).toBe(2);
    expect(result.duplicates).toBe(1);
    expect(result.rejected).toEqual([
      { index: 3, code: 'SF_EVENT_TOO_LATE' }, { index: 4, code: 'SF_EVENT_FROM_FUTURE' }, { index: 5, code: 'SF_EVENT_ASSET_NOT_IN_EXPERIMENT' },
      { index: 6, code: 'SF_EVENT_NO_EXPERIMENT' }, { index: 7, code: 'SF_EVENT_INVALID' },
    ]);
    expect((await post([dup])).duplicates).toBe(1);
    // An impression served with an id, re-posted as an event with that id, counts once.
    const served = await serve(sku, 'v2');
    expect((await post([{ ...base, visitor: 'v2', eventId: served.impressionId, type: 'impression', assetId: served.assetId, ts: new Date().toISOString() }])).duplicates).toBe(1);
    await update();
    const v = await view(xp.id);
    expect(v.arms.reduce((s, a) => s + a.impressions, 0)).toBe(2);
    expect(v.arms[0]!.clicks).toBe(1);
    const tooMany = await farm.inject({ method: 'POST', url: '/events', payload: { events: new Array(1001).fill(dup) } });
    expect(tooMany.statusCode).toBe(422);
    expect(tooMany.json().code).toBe('SF_REQUEST_INVALID');
    await farm.inject({ method: 'POST', url: `/api/experiments/${xp.id}/stop` });
  });

  it('keeps counted events across an API restart between ingest and flush', async () => {
    const sku = nextSku();
    const arms = await images(2);
    const second = await startReplica();
    const xp = await create(sku, arms);
    await second.experiments.serving.reloadAll();
    const ingested = await post([...traffic(sku, arms[0]!, 300, 20), ...traffic(sku, arms[1]!, 200, 5)], second);
    expect(ingested.accepted).toBe(525);
    await second.close(); // killed before any flush: the counts are only in Redis
    const counted = await farm.database.db.select().from(tables.experimentCounts).where(eq(tables.experimentCounts.experimentId, xp.id));
    expect(counted).toHaveLength(0);
    const third = await startReplica();
    await third.experiments.updater.runOnce();
    await third.close();
    const v = await view(xp.id);
    expect(v.arms.map((a) => [a.impressions, a.clicks])).toEqual([[300, 20], [200, 5]]);
    await farm.inject({ method: 'POST', url: `/api/experiments/${xp.id}/stop` });
  });

  it('promotes the leader or a chosen arm, and rolls back to the previous live image in one call', async () => {
    const sku = nextSku();
    const [old, a, b] = await images(3);
    const noPrevious = await farm.inject({ method: 'POST', url: `/api/slots/${sku}/main/rollback` });
    expect(noPrevious.json().code).toBe('SF_SLOT_NO_PREVIOUS');
    await farm.inject({ method: 'PUT', url: `/api/slots/${sku}/main`, payload: { assetId: old } });
    const xp = await create(sku, [a!, b!]);
    const promoted = await farm.inject({ method: 'POST', url: `/api/experiments/${xp.id}/promote`, payload: { assetId: b } });
    expect(promoted.statusCode, promoted.body).toBe(200);
    expect((await farm.inject({ method: 'POST', url: `/api/experiments/${xp.id}/promote`, payload: {} })).json().code).toBe('SF_EXPERIMENT_NOT_RUNNING');
    let slot: SlotView = (await farm.inject({ method: 'GET', url: `/api/slots/${sku}/main` })).json();
    expect(slot.live?.assetId).toBe(b);
    expect(slot.history.map((h) => [h.reason, h.assetId, h.previousAssetId])).toEqual([['experiment', b, old], ['manual', old, null]]);
    expect((await serve(sku, 'someone')).assetId).toBe(b);
    slot = (await farm.inject({ method: 'POST', url: `/api/slots/${sku}/main/rollback` })).json();
    expect(slot.live?.assetId).toBe(old);
    expect(slot.history[0]).toMatchObject({ reason: 'rollback', assetId: old, previousAssetId: b });
    expect((await serve(sku, 'someone')).assetId).toBe(old);
    const other = await create(sku, [a!, b!]);
    const wrong = await farm.inject({ method: 'POST', url: `/api/experiments/${other.id}/promote`, payload: { assetId: newId() } });
    expect(wrong.json().code).toBe('SF_EXPERIMENT_INVALID');
    await farm.inject({ method: 'POST', url: `/api/experiments/${other.id}/stop` });
    expect((await farm.inject({ method: 'GET', url: `/api/experiments?sku=${sku}` })).json().total).toBe(2);
  });

  it('counts events sent to a replica that has not yet heard of the experiment by pub/sub', async () => {
    const sku = nextSku();
    const arms = await images(2);
    const replica = await startReplica();
    try {
      // This replica stops listening, so the only way it can learn of the new experiment is the re-read on a miss.
      await replica.experiments.serving.stop();
      const xp = await create(sku, arms);
      expect(replica.experiments.serving.get(sku, 'main')?.experiment).toBeFalsy();
      const posted = await post([...traffic(sku, arms[0]!, 30, 3), ...traffic(sku, arms[1]!, 30, 5)], replica);
      expect(posted.rejected).toEqual([]);
      expect(posted.accepted).toBe(68);
      // A made-up SKU is still refused.
      const bogus = await post(traffic(`${sku}-none`, arms[0]!, 1, 0), replica);
      expect(bogus.rejected.map((r) => r.code)).toEqual(['SF_EVENT_NO_EXPERIMENT']);
      await farm.inject({ method: 'POST', url: `/api/experiments/${xp.id}/stop` });
    } finally {
      await replica.close();
    }
  });

  it('serves the same weights and the same sticky images from two API replicas', async () => {
    const sku = nextSku();
    const arms = await images(3);
    const replica = await startReplica();
    try {
      const xp = await create(sku, arms);
      // The second replica learns of the new experiment by pub/sub; events for an experiment it does not know yet
      // would be rejected, so wait until it serves it.
      await waitFor(async () => replica.experiments.serving.get(sku, 'main')?.experiment, 10_000, 20);
      const posted = await post([...traffic(sku, arms[0]!, 400, 8), ...traffic(sku, arms[1]!, 400, 40), ...traffic(sku, arms[2]!, 400, 36)], replica);
      expect(posted.rejected).toEqual([]);
      // The first replica updates (a run the second replica started on its own may hold the lock for a moment, so
      // try until this one runs); the second hears of it by pub/sub.
      await waitFor(async () => ((await update()) ? true : undefined), 10_000, 50);
      const weightsA = farm.app.experiments.serving.get(sku, 'main')!.experiment!.weights;
      const weightsB = await waitFor(async () => {
        const w = replica.experiments.serving.get(sku, 'main')?.experiment?.weights;
        return JSON.stringify(w) === JSON.stringify(weightsA) ? w : undefined;
      }, 10_000, 20);
      expect(weightsB).toEqual(weightsA);
      expect(weightsA[0]).toBeLessThan(0.05);
      for (let i = 0; i < 20; i++) {
        const fromA = await serve(sku, `both-${i}`);
        const fromB = await serve(sku, `both-${i}`, replica);
        expect(fromB.assetId).toBe(fromA.assetId);
      }
      // A second replica updating at the same time finds the lock held and does nothing.
      const [one, two] = await Promise.all([update(), replica.experiments.updater.runOnce()]);
      expect([one, two].filter(Boolean)).toHaveLength(1);
      expect((await view(xp.id)).arms.reduce((s, a) => s + a.impressions, 0)).toBe(1200 + 40);
      await farm.inject({ method: 'POST', url: `/api/experiments/${xp.id}/stop` });
    } finally {
      await replica.close();
    }
  });
});
