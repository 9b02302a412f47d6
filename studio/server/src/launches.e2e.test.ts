import { eq, sql } from 'drizzle-orm';
import sharp from 'sharp';
import yauzl from 'yauzl';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LaunchAccepted, LaunchSkuPage, LaunchView } from '@shotfarm/shared';
import { tables } from '@shotfarm/shared/db';
import { readSse, startFarm, waitFor, type Farm } from '../test/harness.ts';
import { fixturePhotoZip, launchForm, plainPhotos, zipOf } from '../test/launch-form.ts';

const plan = (over: Record<string, unknown> = {}) => ({ recipes: [{ recipe: 'product-shot/studio-local', variants: 2 }], pick: 1, profile: 'taobao-main', ...over });
const header = 'sku,title,category,photos\n';
const manifestOf = (names: readonly string[], prefix = 'SKU') => header + names.map((n, i) => `${prefix}-${i + 1},商品 ${i + 1},home,${n}`).join('\n') + '\n';

async function unzip(bytes: Buffer): Promise<Map<string, Buffer>> {
  const zip = await yauzl.fromBufferPromise(bytes, { lazyEntries: true });
  const out = new Map<string, Buffer>();
  await new Promise<void>((resolve, reject) => {
    zip.on('error', reject);
    zip.on('end', () => resolve());
    zip.on('entry', (entry: yauzl.Entry) => {
      zip.openReadStream(entry, (err, stream) => {
        if (err) { reject(err); return; }
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => { out.set(entry.fileName, Buffer.concat(chunks)); zip.readEntry(); });
      });
    });
    zip.readEntry();
  });
  return out;
}

describe('batch launches', () => {
  let farm: Farm;
  let photos: Buffer;

  beforeAll(async () => {
    farm = await startFarm({ TASK_ATTEMPTS: '1', LAUNCH_POLL_MS: '200' }, { listen: true });
    photos = await fixturePhotoZip();
  }, 60_000);
  afterAll(() => farm.close());

  const db = () => farm.database.db;
  const post = (manifest: string | Buffer, p: unknown, zip?: Buffer, headers: Record<string, string> = {}) => {
    const form = launchForm(manifest, p, zip);
    return farm.inject({ method: 'POST', url: '/api/launches', payload: form.payload, headers: { ...form.headers, ...headers } });
  };
  const view = async (id: string): Promise<LaunchView> => (await farm.inject({ method: 'GET', url: `/api/launches/${id}` })).json();
  const ended = (id: string, timeoutMs = 150_000) => waitFor(async () => {
    const v = await view(id);
    return v.status === 'finished' || v.status === 'canceled' ? v : undefined;
  }, timeoutMs, 250);
  const count = async (t: typeof tables.launches | typeof tables.jobs | typeof tables.launchSkus) => (await db().select({ n: sql<number>`count(*)::int` }).from(t))[0]!.n;

  describe('refusals (nothing stored)', () => {
    it('lists every bad row with line, column and reason, and stores nothing without acceptPartial', async () => {
      const manifest = `${header}A-1,Vase,home,photos/${plainPhotos[0]}\nA-1,Dup,home,photos/${plainPhotos[0]}\nA-3,Gone,home,missing.jpg\nA-4,Text,home,notes.txt\n,NoSku,home,photos/${plainPhotos[0]}\n`;
      const zip = await zipOf({ [`photos/${plainPhotos[0]}`]: (await unzip(photos)).get(`photos/${plainPhotos[0]}`)!, 'notes.txt': Buffer.from('not a photo') });
      const before = await farm.snapshot();
      const res = await post(manifest, plan(), zip);
      expect(res.statusCode).toBe(422);
      expect(res.json().code).toBe('SF_LAUNCH_MANIFEST_INVALID');
      expect(res.json().details.rejected.map((r: { line: number; column: string; code: string }) => [r.line, r.column, r.code])).toEqual([
        [3, 'sku', 'sku_duplicate'], [4, 'photos', 'photo_missing_in_zip'], [5, 'photos', 'photo_not_image'], [6, 'sku', 'value_missing'],
      ]);
      expect(await count(tables.launches)).toBe(0);
      expect(await farm.snapshot()).toEqual(before);
    });

    it('refuses a manifest missing a required column, a bad plan, and a hostile ZIP', async () => {
      const noColumn = await post('sku,title,photos\nA,B,c.jpg\n', plan(), photos);
      expect(noColumn.statusCode).toBe(422);
      expect(noColumn.json().details.rejected).toEqual([expect.objectContaining({ line: 1, column: 'category', code: 'column_missing' })]);
      const badPlan = await post(manifestOf([`photos/${plainPhotos[0]}`]), plan({ recipes: [{ recipe: 'product-shot/nope', variants: 1 }] }), photos);
      expect([badPlan.statusCode, badPlan.json().code]).toEqual([422, 'SF_LAUNCH_PLAN_INVALID']);
      const needsGpu = await post(manifestOf([`photos/${plainPhotos[0]}`]), plan({ recipes: [{ recipe: 'product-shot/iclight-relight', variants: 1 }] }), photos);
      expect([needsGpu.statusCode, needsGpu.json().code]).toEqual([422, 'SF_LAUNCH_PLAN_INVALID']);
      const tooMany = await post(manifestOf([`photos/${plainPhotos[0]}`]), plan({ recipes: [{ recipe: 'product-shot/studio-local', variants: 99 }] }), photos);
      expect([tooMany.statusCode, tooMany.json().code]).toEqual([422, 'SF_LAUNCH_PLAN_INVALID']);
      const notZip = await post(manifestOf(['a.jpg']), plan(), Buffer.from('this is no zip'));
      expect([notZip.statusCode, notZip.json().code]).toEqual([422, 'SF_LAUNCH_PHOTOS_INVALID']);
      expect(await count(tables.launches)).toBe(0);
    });

    it('answers only operators (and admins)', async () => {
      const form = launchForm(manifestOf([`photos/${plainPhotos[0]}`]), plan(), photos);
      const anonymous = await farm.app.inject({ method: 'POST', url: '/api/launches', payload: form.payload, headers: form.headers });
      expect(anonymous.statusCode).toBe(401);
      const designerKey = (await farm.inject({ method: 'POST', url: '/api/api-keys', payload: { name: 'designer', roles: ['designer'] } })).json().key as string;
      const asDesigner = await farm.app.inject({ method: 'POST', url: '/api/launches', payload: form.payload, headers: { ...form.headers, authorization: `Bearer ${designerKey}` } });
      expect(asDesigner.statusCode).toBe(403);
      const list = await farm.app.inject({ method: 'GET', url: '/api/launches', headers: { authorization: `Bearer ${designerKey}` } });
      expect(list.statusCode).toBe(403);
      const operatorKey = (await farm.inject({ method: 'POST', url: '/api/api-keys', payload: { name: 'operator', roles: ['operator'] } })).json().key as string;
      const asOperator = await farm.app.inject({ method: 'GET', url: '/api/launches', headers: { authorization: `Bearer ${operatorKey}` } });
      expect(asOperator.statusCode).toBe(200);
    });
  });

  describe('a launch through the farm', () => {
    let launchId: string;

    it('accepts the good rows with acceptPartial, renders, scores, auto-picks and reports progress over SSE', async () => {
      await farm.startWorker(2);
      await farm.startScorer();
      const manifest = manifestOf([...plainPhotos.slice(0, 4).map((n) => `photos/${n}`), 'missing.jpg']);
      const res = await post(manifest, plan({ acceptPartial: true, pick: 1 }), photos);
      expect(res.statusCode).toBe(201);
      const accepted = res.json() as LaunchAccepted;
      expect(accepted.accepted).toBe(4);
      expect(accepted.rejected).toEqual([{ line: 6, column: 'photos', code: 'photo_missing_in_zip', reason: 'missing.jpg is not in the photo ZIP' }]);
      launchId = accepted.id;

      const events = await readSse(`${farm.baseUrl}/api/launches/${launchId}/events`, { headers: farm.authHeaders, stop: (m) => m.event === 'end' });
      const progress = events.filter((e) => e.event === 'progress').map((e) => e.data as LaunchView);
      expect(progress.length).toBeGreaterThan(1);
      expect(progress.at(-1)!.status).toBe('finished');
      expect(events.filter((e) => e.event === 'sku').length).toBeGreaterThanOrEqual(4);

      const done = await view(launchId);
      expect(done.skus.total).toBe(4);
      expect(done.skus.done + done.skus.needsReview + done.skus.failed).toBe(4);
      expect(done.skus.done).toBeGreaterThanOrEqual(1);
      expect(done.spend).toBeGreaterThan(0);
      // Every job of the launch is tagged with it, and the ledger lines too.
      const jobs = await db().select().from(tables.jobs).where(eq(tables.jobs.launchId, launchId));
      expect(jobs).toHaveLength(4);
      expect(new Set(jobs.map((j) => j.sku))).toEqual(new Set(['SKU-1', 'SKU-2', 'SKU-3', 'SKU-4']));

      const page = (await farm.inject({ method: 'GET', url: `/api/launches/${launchId}/skus?limit=2` })).json() as LaunchSkuPage;
      expect(page.items.map((s) => s.line)).toEqual([2, 3]);
      expect(page.nextAfter).toBe(3);
      const rest = (await farm.inject({ method: 'GET', url: `/api/launches/${launchId}/skus?after=3` })).json() as LaunchSkuPage;
      expect(rest.items.map((s) => s.line)).toEqual([4, 5]);
      for (const s of [...page.items, ...rest.items]) {
        if (s.status === 'done') expect(s.picks).toEqual([expect.objectContaining({ slot: 'main', rank: 1, by: 'auto' })]);
        if (s.status === 'needs_review') expect(s.failingRules.length).toBeGreaterThan(0);
        expect(s.spend).toBeGreaterThan(0);
      }
      const doneOnly = (await farm.inject({ method: 'GET', url: `/api/launches/${launchId}/skus?status=done` })).json() as LaunchSkuPage;
      expect(doneOnly.items.every((s) => s.status === 'done')).toBe(true);
    }, 200_000);

    it('answers the same manifest and plan again with the same launch (200), and no new jobs', async () => {
      const jobsBefore = await count(tables.jobs);
      const manifest = manifestOf([...plainPhotos.slice(0, 4).map((n) => `photos/${n}`), 'missing.jpg']);
      const again = await post(manifest, plan({ pick: 1, acceptPartial: true }), photos);
      expect(again.statusCode).toBe(200);
      expect(again.json().id).toBe(launchId);
      // Reordered plan keys hash the same.
      const reordered = await post(manifest, { acceptPartial: true, profile: 'taobao-main', pick: 1, recipes: [{ variants: 2, recipe: 'product-shot/studio-local' }] }, photos);
      expect([reordered.statusCode, reordered.json().id]).toEqual([200, launchId]);
      expect(await count(tables.jobs)).toBe(jobsBefore);
    });

    it('keeps an Idempotency-Key to its first content', async () => {
      const one = await post(manifestOf([`photos/${plainPhotos[5]}`], 'IK'), plan({ pick: 1 }), photos, { 'idempotency-key': 'launch-key-1' });
      expect(one.statusCode).toBe(201);
      const same = await post(manifestOf([`photos/${plainPhotos[5]}`], 'IK'), plan({ pick: 1 }), photos, { 'idempotency-key': 'launch-key-1' });
      expect([same.statusCode, same.json().id]).toEqual([200, one.json().id]);
      const other = await post(manifestOf([`photos/${plainPhotos[4]}`], 'IK'), plan({ pick: 1 }), photos, { 'idempotency-key': 'launch-key-1' });
      expect([other.statusCode, other.json().code]).toEqual([422, 'SF_IDEMPOTENCY_KEY_REUSED']);
      await ended(one.json().id);
    }, 120_000);

    it('writes a CSV report and a marketplace ZIP of <sku>/<slot>-<rank>.jpg with real JPEGs', async () => {
      const csv = await farm.inject({ method: 'GET', url: `/api/launches/${launchId}/report.csv` });
      expect(csv.statusCode).toBe(200);
      expect(csv.headers['content-type']).toMatch(/text\/csv/);
      const lines = csv.body.replace(/^\uFEFF/, '').trim().split('\r\n');
      expect(lines[0]).toBe('sku,title,category,status,slot,rank,file,url,ctr,quality,gate_pass,picked_by,failing_rules,cost_yuan,error');
      expect(lines.length).toBeGreaterThanOrEqual(5);
      expect(lines.some((l) => l.startsWith('SKU-1,商品 1,home,'))).toBe(true);

      const res = await fetch(`${farm.baseUrl}/api/launches/${launchId}/report.zip`, { headers: farm.authHeaders });
      expect(res.status).toBe(200);
      const files = await unzip(Buffer.from(await res.arrayBuffer()));
      const skus = ((await farm.inject({ method: 'GET', url: `/api/launches/${launchId}/skus` })).json() as LaunchSkuPage).items;
      const expected = skus.flatMap((s) => s.picks.map((p) => `${s.sku}/${p.slot}-${p.rank}.jpg`)).sort();
      expect([...files.keys()].filter((n) => n !== 'report.csv').sort()).toEqual(expected);
      expect(files.has('report.csv')).toBe(true);
      for (const name of expected) {
        const meta = await sharp(files.get(name)!).metadata();
        expect(meta.format).toBe('jpeg');
        expect([meta.width, meta.height]).toEqual([800, 800]);
      }
    });

    it('lets a person swap a pick, and refuses an image that is not the SKU\'s', async () => {
      const skus = ((await farm.inject({ method: 'GET', url: `/api/launches/${launchId}/skus` })).json() as LaunchSkuPage).items;
      const sku = skus.find((s) => s.status === 'done' || s.status === 'needs_review')!;
      const candidates = (await farm.inject({ method: 'GET', url: `/api/launches/${launchId}/skus/${sku.id}/candidates` })).json().items as { assetId: string }[];
      expect(candidates.length).toBe(2);
      const other = candidates.find((c) => c.assetId !== sku.picks[0]?.assetId)!;
      const swapped = await farm.inject({ method: 'PUT', url: `/api/launches/${launchId}/skus/${sku.id}/picks`, payload: { slot: 'main', assetIds: [other.assetId] } });
      expect(swapped.statusCode).toBe(200);
      expect(swapped.json()).toMatchObject({ status: 'done', picks: [{ slot: 'main', rank: 1, assetId: other.assetId, by: 'person' }] });
      const foreign = skus.find((s) => s.id !== sku.id && s.picks.length > 0);
      if (foreign) {
        const refused = await farm.inject({ method: 'PUT', url: `/api/launches/${launchId}/skus/${sku.id}/picks`, payload: { slot: 'main', assetIds: [foreign.picks[0]!.assetId] } });
        expect([refused.statusCode, refused.json().code]).toEqual([422, 'SF_LAUNCH_PICK_INVALID']);
      }
    });

    it('stops at its budget: SKUs that no longer fit are skipped_budget, and spend stays near the cap', async () => {
      // Each SKU is expected to cost a few milli-fen; a budget of about two SKUs' worth.
      const names = [...plainPhotos, ...plainPhotos].map((n) => `photos/${n}`);
      const preview = await farm.inject({ method: 'POST', url: '/api/launches/preview', ...launchForm(manifestOf(names, 'B'), plan({ pick: 1 }), photos) });
      expect(preview.statusCode).toBe(200);
      const perSku = preview.json().estimate.perSku as number;
      expect(perSku).toBeGreaterThan(0);
      const res = await post(manifestOf(names, 'B'), plan({ pick: 1, budget: perSku * 2 }), photos);
      expect(res.statusCode).toBe(201);
      const done = await ended(res.json().id);
      expect(done.status).toBe('finished');
      expect(done.skus.skippedBudget).toBeGreaterThanOrEqual(1);
      expect(done.skus.total - done.skus.skippedBudget).toBeLessThanOrEqual(2);
      const jobs = await db().select({ n: sql<number>`count(*)::int` }).from(tables.jobs).where(eq(tables.jobs.launchId, res.json().id));
      expect(jobs[0]!.n).toBe(done.skus.total - done.skus.skippedBudget);
      const skipped = ((await farm.inject({ method: 'GET', url: `/api/launches/${res.json().id}/skus?status=skipped_budget` })).json() as LaunchSkuPage).items;
      expect(skipped[0]).toMatchObject({ status: 'skipped_budget', errorCode: 'SF_BUDGET_EXCEEDED', jobIds: [] });
    }, 200_000);

    it('cancels a launch: waiting SKUs are dropped, a finished launch cannot be canceled', async () => {
      const names = [...plainPhotos, ...plainPhotos].map((n) => `photos/${n}`);
      const res = await post(manifestOf(names, 'C'), plan({ pick: 1 }), photos);
      const id = res.json().id as string;
      const canceled = await farm.inject({ method: 'POST', url: `/api/launches/${id}/cancel` });
      expect(canceled.statusCode).toBe(200);
      expect(canceled.json().status).toBe('canceled');
      const v = await view(id);
      expect(v.skus.pending + v.skus.rendering).toBe(0);
      const again = await farm.inject({ method: 'POST', url: `/api/launches/${id}/cancel` });
      expect([again.statusCode, again.json().code]).toEqual([409, 'SF_LAUNCH_FINISHED']);
      // Canceled launches do not hold their content: the same manifest can launch again.
      const relaunch = await post(manifestOf(names, 'C'), plan({ pick: 1 }), photos);
      expect(relaunch.statusCode).toBe(201);
      await farm.inject({ method: 'POST', url: `/api/launches/${relaunch.json().id}/cancel` });
    });
  });
});
