import { randomUUID } from 'node:crypto';
import { count } from 'drizzle-orm';
import { parse as parseCsv } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId, type ExperimentCreated, type ServeAnswer } from '@shotfarm/shared';
import { tables } from '@shotfarm/shared/db';
import { startFarm, type Farm } from '../../test/harness.ts';

let farm: Farm;
beforeAll(async () => { farm = await startFarm({ EXPERIMENT_UPDATE_S: '3600' }); }, 180_000);
afterAll(async () => { await farm?.close(); });

const dayOf = (ts: number) => new Date(ts).toISOString().slice(0, 10);

/** Output images with a stored score carrying these features. */
async function scoredImages(features: Record<string, number>[]): Promise<string[]> {
  const ids: string[] = [];
  for (const f of features) {
    const id = newId();
    await farm.database.db.insert(tables.assets).values({ id, kind: 'output', mime: 'image/png', width: 800, height: 800, bytes: 1000, sha256: id.replaceAll('-', ''), key: `test/${id}.png` });
    await farm.database.db.insert(tables.scores).values({ id: newId(), assetId: id, modelVersion: 'ctr-v1', quality: 0.8, ctr: 0.05, phash: '0123456789abcdef', gatesPassed: [], result: { features: f } as never, scoreMs: 1 });
    ids.push(id);
  }
  return ids;
}

async function exportCsv(query = ''): Promise<Record<string, string>[]> {
  const res = await farm.inject({ method: 'GET', url: `/api/training-data.csv${query}` });
  expect(res.statusCode, res.body).toBe(200);
  expect(res.headers['content-type']).toMatch(/^text\/csv/);
  return parseCsv(res.body, { columns: true }) as Record<string, string>[];
}

const importCsv = (body: string) => farm.inject({ method: 'POST', url: '/api/training-data', headers: { 'content-type': 'text/csv' }, payload: body });

describe('training data from the farm', () => {
  it('sums to exactly the impressions and clicks counted from /serve and /events, per image, SKU and event day', async () => {
    const sku = `SKU-TD-${randomUUID().slice(0, 6)}`;
    const arms = await scoredImages([{ sharpness: 310.5, fillRatio: 0.42 }, { sharpness: 120.25, fillRatio: 0.61 }]);
    const created = await farm.inject({ method: 'POST', url: '/api/experiments', payload: { sku, slot: 'main', arms } });
    expect(created.statusCode, created.body).toBe(201);
    const experiment = created.json() as ExperimentCreated;

    // The raw log, tallied here independently of the API: key = day|image.
    const expected = new Map<string, { impressions: number; clicks: number }>();
    const tally = (ts: number, assetId: string, kind: 'impressions' | 'clicks') => {
      const k = `${dayOf(ts)}|${assetId}`;
      const t = expected.get(k) ?? { impressions: 0, clicks: 0 };
      t[kind] += 1;
      expected.set(k, t);
    };
    // Served impressions count on the day they were served.
    for (let i = 0; i < 40; i++) {
      const res = await farm.inject({ method: 'GET', url: `/serve/${sku}/main?format=json&visitor=v${i}` });
      expect(res.statusCode, res.body).toBe(200);
      tally(Date.now(), (res.json() as ServeAnswer).assetId, 'impressions');
    }
    // Events at several times inside the late window (some fall on the previous UTC day), one batch resent,
    // and events the API must refuse (too old, unknown asset): none of those may count.
    const now = Date.now();
    const times = [now - 60_000, now - 5 * 3_600_000, now - 20 * 3_600_000, now - 23 * 3_600_000];
    const events: Record<string, unknown>[] = [];
    let n = 0;
    for (const ts of times) {
      for (const [a, assetId] of arms.entries()) {
        const impressions = 7 + a * 3 + (n++ % 4);
        for (let i = 0; i < impressions; i++) {
          const visitor = `e-${randomUUID()}`;
          events.push({ eventId: randomUUID(), type: 'impression', sku, slot: 'main', assetId, visitor, ts: new Date(ts).toISOString() });
          tally(ts, assetId!, 'impressions');
          if (i % 3 === 0) {
            events.push({ eventId: randomUUID(), type: 'click', sku, slot: 'main', assetId, visitor, ts: new Date(ts).toISOString() });
            tally(ts, assetId!, 'clicks');
          }
        }
      }
    }
    const refused = [
      { eventId: randomUUID(), type: 'click', sku, slot: 'main', assetId: arms[0], visitor: 'old', ts: new Date(now - 30 * 3_600_000).toISOString() },
      { eventId: randomUUID(), type: 'click', sku, slot: 'main', assetId: newId(), visitor: 'x', ts: new Date(now).toISOString() },
    ];
    const first = await farm.inject({ method: 'POST', url: '/events', payload: { events: [...events, ...refused] } });
    expect(first.statusCode, first.body).toBe(202);
    expect(first.json()).toMatchObject({ accepted: events.length, rejected: [{ index: events.length }, { index: events.length + 1 }] });
    const resent = await farm.inject({ method: 'POST', url: '/events', payload: { events: events.slice(0, 25) } });
    expect(resent.json()).toMatchObject({ accepted: 0, duplicates: 25 });
    await farm.app.experiments.updater.runOnce(); // flushes Redis counters (per period and per day) to Postgres

    const rows = (await exportCsv()).filter((r) => r.sku === sku);
    const got = new Map(rows.map((r) => [`${r.day}|${r.image}`, { impressions: Number(r.impressions), clicks: Number(r.clicks) }]));
    expect(got).toEqual(expected);
    expect(new Set(rows.map((r) => r.day)).size).toBeGreaterThanOrEqual(1);
    for (const r of rows) {
      expect(r.source).toBe('farm');
      // One period with equal burn-in weights: each arm had half the traffic.
      expect(Number(r.allocation)).toBeCloseTo(experiment.arms.find((a) => a.assetId === r.image)!.weight, 10);
      expect(Number(r.f_sharpness)).toBe(r.image === arms[0] ? 310.5 : 120.25);
      expect(Number(r.f_fillRatio)).toBe(r.image === arms[0] ? 0.42 : 0.61);
    }
    // The experiment's own totals agree with the daily rows.
    const view = (await farm.inject({ method: 'GET', url: `/api/experiments/${experiment.id}` })).json() as { arms: { assetId: string; impressions: number; clicks: number }[] };
    for (const arm of view.arms) {
      const mine = rows.filter((r) => r.image === arm.assetId);
      expect(mine.reduce((s, r) => s + Number(r.impressions), 0)).toBe(arm.impressions);
      expect(mine.reduce((s, r) => s + Number(r.clicks), 0)).toBe(arm.clicks);
    }
    // A day window keeps only those days.
    const today = dayOf(Date.now());
    expect((await exportCsv(`?from=${today}&to=${today}`)).filter((r) => r.sku === sku).every((r) => r.day === today)).toBe(true);
  }, 120_000);

  it('imports outside logs in the same format, and refuses a file with any bad row as a whole', async () => {
    const good = 'day,sku,image,impressions,clicks,allocation,f_sharpness,f_fillRatio\n'
      + '2026-11-01,SHOP-A,"img,1",1000,31,0.5,200,0.4\n'
      + '2026-11-01,SHOP-A,img-2,980,22,,150,0.7\n';
    const stored = await importCsv(good);
    expect(stored.statusCode, stored.body).toBe(201);
    expect(stored.json()).toMatchObject({ rows: 2, impressions: 1980, clicks: 53 });
    const rows = (await exportCsv('?from=2026-11-01&to=2026-11-01')).filter((r) => r.sku === 'SHOP-A');
    expect(rows.map((r) => [r.image, r.impressions, r.clicks, r.allocation, r.source, r.f_sharpness])).toEqual([
      ['img,1', '1000', '31', '0.5', 'import', '200'], ['img-2', '980', '22', '', 'import', '150'],
    ]);
    // Re-importing an export is the same format: its rows come back in.
    const roundTrip = await farm.inject({ method: 'GET', url: '/api/training-data.csv?from=2026-11-01&to=2026-11-01' });
    expect((await importCsv(roundTrip.body)).statusCode).toBe(201);

    const before = (await farm.database.db.select({ n: count() }).from(tables.trainingImports))[0]!.n;
    const bad = [
      ['day,sku,image,impressions,clicks,f_sharpness\n2026-11-02,S,i,10,2,1\n2026-11-02,S,j,10,11,1\n2026-13-40,S,k,10,1,1\n2026-11-02,S,l,-5,0,1\n2026-11-02,S,m,10,1,abc\n', [3, 4, 5, 6]],
      ['day,sku,image,impressions\n2026-11-02,S,i,10\n', []],
      ['day,sku,image,impressions,clicks,f_sharpness,colour\n2026-11-02,S,i,10,2,1,red\n', []],
      ['day,sku,image,impressions,clicks\n2026-11-02,S,i,10,2\n', [2]],
      ['day,sku,image,impressions,clicks,f_sharpness\n"2026-11-02,S\n', []],
    ] as const;
    for (const [body, lines] of bad) {
      const res = await importCsv(body);
      expect(res.statusCode, body).toBe(422);
      expect(res.json().code).toBe('SF_TRAINING_DATA_INVALID');
      expect([...new Set((res.json().details?.rejected ?? []).map((r: { line: number }) => r.line))]).toEqual(lines);
    }
    const after = (await farm.database.db.select({ n: count() }).from(tables.trainingImports))[0]!.n;
    expect(after).toBe(before);
  });

  it('is for admins only', async () => {
    expect((await farm.app.inject({ method: 'GET', url: '/api/training-data.csv' })).statusCode).toBe(401);
    expect((await farm.app.inject({ method: 'POST', url: '/api/training-data', headers: { 'content-type': 'text/csv' }, payload: 'day\n' })).statusCode).toBe(401);
  });
});
