import { readFile } from 'node:fs/promises';
import { eq, sql } from 'drizzle-orm';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CostRollup, JobView, PriceBookVersion } from '@shotfarm/shared';
import { chargeForStorage, chargeForTime } from '@shotfarm/shared/costs';
import { tables } from '@shotfarm/shared/db';
import { multipartFile, plainProductPhoto, startFarm, waitFor, type Farm } from '../../../test/harness.ts';
import { recordFinishedRenderJob } from '../jobs/render-event-listener.ts';

/**
 * The ledger through the whole farm, on the local backend (priced per core-hour by the shipped price book): every
 * attempt charged once whatever happens to it, roll-ups that add up, and budgets that refuse or stop spend.
 */
describe('the cost ledger', () => {
  let farm: Farm;
  let photo: Buffer;
  let productId: string;
  let productKey: string;
  let bigId: string;

  beforeAll(async () => {
    farm = await startFarm({ TASK_ATTEMPTS: '1' });
    await farm.startWorker(1);
    photo = await readFile(plainProductPhoto());
    productId = (await farm.inject({ method: 'POST', url: '/api/assets', ...multipartFile(photo, 'vase.jpg') })).json().id;
    const [row] = await farm.database.db.select({ key: tables.assets.key }).from(tables.assets).where(eq(tables.assets.id, productId));
    productKey = row!.key;
    // A big photo renders slowly enough to be caught running.
    const big = await sharp(photo).resize(5600, 5600, { fit: 'fill' }).jpeg().toBuffer();
    bigId = (await farm.inject({ method: 'POST', url: '/api/assets', ...multipartFile(big, 'big.jpg') })).json().id;
  }, 60_000);
  afterAll(() => farm.close());

  const db = () => farm.database.db;
  const view = async (id: string): Promise<JobView> => (await farm.inject({ method: 'GET', url: `/api/jobs/${id}` })).json();
  const finished = (id: string) => waitFor(async () => {
    const v = await view(id);
    return ['succeeded', 'failed', 'canceled'].includes(v.status) ? v : undefined;
  }, 90_000);
  const submit = (payload: Record<string, unknown>) => farm.inject({ method: 'POST', url: '/api/jobs',
    payload: { type: 'product-shot', recipe: 'product-shot/studio-local', inputs: { product: productId }, ...payload } });
  const entriesOf = (jobId: string) => db().select().from(tables.costEntries).where(eq(tables.costEntries.jobId, jobId)).orderBy(tables.costEntries.entryKey);
  const localPerHour = 12_000; // the shipped book's ¥0.12 per core-hour

  it('charges each succeeded attempt once, at the book price, and a replayed event changes nothing', async () => {
    const { id } = (await submit({ variants: 2 })).json();
    const done = await finished(id);
    expect(done.status).toBe('succeeded');
    const entries = await entriesOf(id);
    expect(entries).toHaveLength(2);
    for (const e of entries) {
      expect(e).toMatchObject({ kind: 'cpu-seconds', outcome: 'succeeded', backend: 'local', run: 0, images: 1, priceBookVersion: 1, recipeId: 'product-shot/studio-local', launchId: null, sku: null });
      expect(e.entryKey).toBe(`attempt:${e.taskId}:0`);
      expect(e.amountMilliFen).toBe(chargeForTime(e.quantityMilli, localPerHour));
      const [task] = await db().select().from(tables.tasks).where(eq(tables.tasks.id, e.taskId!));
      expect(e.quantityMilli).toBe(task!.renderMs);
    }
    const actual = entries.reduce((s, e) => s + e.amountMilliFen, 0);
    expect(done.cost).toEqual({ estimate: 4, actual, budget: null }); // 0.5 s × ¥0.12/h = 2 milli-fen a task
    expect(done.routing).toMatchObject({ requested: 'auto', recipe: 'product-shot/studio-local', backend: 'local' });

    // The same completion recorded again (a replayed QueueEvent, the reconciler), and the ledger asked directly twice.
    for (const t of done.tasks) {
      // A recorded completion leaves Redis a moment after its commit (keepCompletedJobs): replay it while it is there.
      const job = await farm.app.farm.enqueuer.findRenderJob(t.id);
      if (job) await recordFinishedRenderJob(farm.app.farm.recorder, job);
      const [row] = await db().select().from(tables.tasks).where(eq(tables.tasks.id, t.id));
      await db().transaction((tx) => farm.app.farm.costs.ledger.recordAttempt(tx, row!, 'succeeded', 1));
    }
    expect(await entriesOf(id)).toEqual(entries);
    expect((await view(id)).cost!.actual).toBe(actual);
  });

  it('a retried task costs exactly what each run ran: the failed run and the run that succeeded', async () => {
    await farm.app.storage.delete(productKey);
    const { id } = (await submit({ variants: 1 })).json();
    const failed = await finished(id);
    await farm.app.storage.put(productKey, photo, { contentType: 'image/jpeg' });
    expect(failed.status).toBe('failed');
    const [first] = await entriesOf(id);
    expect(first).toMatchObject({ outcome: 'failed', run: 0, images: 0, kind: 'cpu-seconds' });
    const task = failed.tasks[0]!;
    // A failure reports no usage: its wall time on the manager's clock, first start to end, is what it held the CPU.
    expect(first!.quantityMilli).toBe(new Date(task.finishedAt!).getTime() - new Date(task.startedAt!).getTime());

    expect((await farm.inject({ method: 'POST', url: `/api/jobs/${id}/retry` })).statusCode).toBe(200);
    const done = await finished(id);
    expect(done.status).toBe('succeeded');
    const entries = await entriesOf(id);
    expect(entries.map((e) => [e.entryKey, e.outcome])).toEqual([[`attempt:${task.id}:0`, 'failed'], [`attempt:${task.id}:1`, 'succeeded']]);
    expect(entries[0]).toEqual(first);
    expect(done.cost!.actual).toBe(entries[0]!.amountMilliFen + entries[1]!.amountMilliFen);
  });

  it('a canceled job costs what its running task ran and nothing for the tasks that never started', async () => {
    const { id } = (await submit({ inputs: { product: bigId }, params: { preset: 'amazon-2000' }, variants: 3 })).json();
    const tasks = (await view(id)).tasks;
    await waitFor(async () => {
      const [row] = await db().select({ n: sql<number>`count(*)::int` }).from(tables.tasks).where(sql`${tables.tasks.jobId} = ${id} and ${tables.tasks.status} = 'running'`);
      return row!.n > 0 ? true : undefined;
    }, 60_000, 10);
    expect((await farm.inject({ method: 'POST', url: `/api/jobs/${id}/cancel` })).statusCode).toBe(200);
    const canceled = await view(id);
    const entries = await entriesOf(id);
    const started = canceled.tasks.filter((t) => t.startedAt !== null);
    expect(entries.map((e) => e.taskId).sort()).toEqual(started.map((t) => t.id).sort());
    expect(entries.length).toBeGreaterThanOrEqual(1);
    expect(entries.length).toBeLessThan(tasks.length);
    for (const e of entries) {
      const t = canceled.tasks.find((x) => x.id === e.taskId)!;
      expect(e.outcome).toBe('canceled');
      expect(e.quantityMilli).toBe(new Date(t.finishedAt!).getTime() - new Date(t.startedAt!).getTime());
      expect(e.amountMilliFen).toBe(chargeForTime(e.quantityMilli, localPerHour));
    }
    // The aborted render's failure arrives later and is ignored: still one line per started task.
    await new Promise((r) => setTimeout(r, 1500));
    expect(await entriesOf(id)).toEqual(entries);
  });

  it('rolls the ledger up by every key, the rows adding up to the total, as JSON and as CSV', async () => {
    const all = await db().select().from(tables.costEntries);
    const sum = all.reduce((s, e) => s + e.amountMilliFen, 0);
    for (const groupBy of ['job', 'recipe', 'backend', 'server', 'day', 'task', 'launch', 'sku']) {
      const res = await farm.inject({ method: 'GET', url: `/api/costs?groupBy=${groupBy}` });
      expect(res.statusCode).toBe(200);
      const body: CostRollup = res.json();
      expect(body).toMatchObject({ currency: 'CNY', unit: 'milli-fen', groupBy, liveSource: 'approved' });
      expect(body.total.amount).toBe(sum);
      expect(body.rows.reduce((s, r) => s + r.amount, 0)).toBe(sum);
    }
    const byRecipe: CostRollup = (await farm.inject({ method: 'GET', url: '/api/costs?groupBy=recipe' })).json();
    expect(byRecipe.rows[0]).toMatchObject({ key: 'product-shot/studio-local', failedTasks: 1 });
    expect(byRecipe.rows[0]!.images).toBeGreaterThanOrEqual(3);

    const csv = await farm.inject({ method: 'GET', url: '/api/costs?groupBy=backend', headers: { accept: 'text/csv' } });
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const lines = csv.body.trim().split('\r\n');
    expect(lines[0]).toMatch(/^key,tasks,failedTasks,gpuSeconds,idleAmount,amount,/);
    expect(lines.at(-1)).toMatch(new RegExp(`^TOTAL,\\d+,1,[\\d.]+,0,${sum},`));
    expect((await farm.inject({ method: 'GET', url: '/api/costs.csv?groupBy=day' })).body.split('\r\n')[0]).toMatch(/^key,/);

    // What the recipe's jobs were estimated to cost against what their attempts spent.
    const accuracy = (await farm.inject({ method: 'GET', url: '/api/costs/estimates' })).json().items;
    const attempts = all.filter((e) => e.entryKey.startsWith('attempt:')).reduce((s, e) => s + e.amountMilliFen, 0);
    expect(accuracy).toMatchObject([{ recipeId: 'product-shot/studio-local', actual: attempts }]);
    expect(accuracy[0].estimate).toBeGreaterThan(0);

    const bad = await farm.inject({ method: 'GET', url: '/api/costs?groupBy=colour' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe('SF_REQUEST_INVALID');
  });

  it('refuses a job over its budget or over what is left of the daily cap (402), storing nothing', async () => {
    const before = await farm.snapshot();
    // Estimates now use the running median of the renders above, so the amounts are what the ledger measured.
    const over = await submit({ variants: 3, budget: 2 });
    expect(over.statusCode).toBe(402);
    expect(over.json()).toMatchObject({ code: 'SF_BUDGET_EXCEEDED', details: { remaining: 2, scope: 'job' } });
    expect(over.json().details.estimate).toBeGreaterThan(2);

    const cap = await farm.inject({ method: 'PUT', url: '/api/budgets/daily', payload: { milliFen: 1, note: 'test' } });
    expect(cap.statusCode).toBe(200);
    expect(cap.json().daily).toMatchObject({ cap: 1, source: 'price-book', remaining: 0 });
    const overDay = await submit({ variants: 1 });
    expect(overDay.statusCode).toBe(402);
    expect(overDay.json().details).toMatchObject({ remaining: 0, scope: 'day' });
    expect(overDay.json().details.estimate).toBeGreaterThan(0);
    expect(await farm.snapshot()).toEqual(before);

    expect((await farm.inject({ method: 'PUT', url: '/api/budgets/daily', payload: { milliFen: null } })).json().daily.cap).toBeNull();
    const audit = await db().select().from(tables.auditEvents).where(eq(tables.auditEvents.action, 'budget.daily-cap'));
    expect(audit).toHaveLength(2);
  });

  it('saves a new price book version, converting dollars at its dated rate, audited; admins only', async () => {
    const current: { current: PriceBookVersion } = (await farm.inject({ method: 'GET', url: '/api/prices' })).json();
    const content = { ...current.current.content, egressPerGb: { usdMicros: 90_000, source: 'test: $0.09/GB', date: '2026-12-01' } };
    const res = await farm.inject({ method: 'PUT', url: '/api/prices', payload: { content, note: 'egress in dollars' } });
    expect(res.statusCode).toBe(200);
    const saved: PriceBookVersion = res.json();
    expect(saved.version).toBe(current.current.version + 1);
    expect(saved.content.egressPerGb).toMatchObject({ usdMicros: 90_000, milliFen: 63_900 });
    expect((await db().select().from(tables.auditEvents).where(eq(tables.auditEvents.action, 'price-book.update'))).length).toBe(1);

    const broken = { ...content, replicate: { ...content.replicate, defaultHardware: 'nvidia-b200' } };
    const bad = await farm.inject({ method: 'PUT', url: '/api/prices', payload: { content: broken } });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().code).toBe('SF_PRICE_BOOK_INVALID');
    // Money is integers: a fractional price, a price without its source, or a fractional budget is refused (422, as every invalid body) and stores nothing.
    const fractional = await farm.inject({ method: 'PUT', url: '/api/prices', payload: { content: { ...content, egressPerGb: { milliFen: 0.5, source: 's', date: '2026-12-01' } } } });
    expect([fractional.statusCode, fractional.json().code]).toEqual([422, 'SF_REQUEST_INVALID']);
    const unsourced = await farm.inject({ method: 'PUT', url: '/api/prices', payload: { content: { ...content, egressPerGb: { milliFen: 5, date: '2026-12-01' } } } });
    expect(unsourced.statusCode).toBe(422);
    const halfBudget = await submit({ variants: 1, budget: 10.5 });
    expect([halfBudget.statusCode, halfBudget.json().code]).toEqual([422, 'SF_REQUEST_INVALID']);
    expect((await farm.inject({ method: 'GET', url: '/api/prices' })).json().current.version).toBe(saved.version);
    const anonymous = await farm.app.inject({ method: 'PUT', url: '/api/prices', payload: { content } });
    expect(anonymous.statusCode).toBe(401);
  });

  it('stops a job at its budget once measured spend reaches it: the rest are skipped_budget, nothing paid for is lost', async () => {
    // At the raised price (10,000 milli-fen a millisecond) eight big renders cost far more than the cap even on a fast
    // machine (8 × 0.2 s = 16 million), so the stop is tested whatever this machine's render speed.
    const budget = 12_000_000;
    const { id } = (await submit({ inputs: { product: bigId }, params: { preset: 'amazon-2000' }, variants: 8, budget })).json();
    // Prices rise while it runs (an admin's edit): each task now costs far more than the estimate at submission.
    const current: { current: PriceBookVersion } = (await farm.inject({ method: 'GET', url: '/api/prices' })).json();
    const dear = { ...current.current.content, localCpuPerCoreHour: { milliFen: 36_000_000_000, source: 'test: 10,000 milli-fen per ms', date: '2026-12-01' } };
    expect((await farm.inject({ method: 'PUT', url: '/api/prices', payload: { content: dear } })).statusCode).toBe(200);

    const done = await finished(id);
    const statuses = done.tasks.map((t) => t.status);
    const ran = statuses.filter((s) => s === 'succeeded').length;
    const skipped = statuses.filter((s) => s === 'skipped_budget').length;
    expect(ran + skipped).toBe(8);
    expect(ran).toBeGreaterThanOrEqual(1);
    expect(skipped).toBeGreaterThanOrEqual(1);
    expect(done.status).toBe('succeeded');
    expect(done.outputs).toHaveLength(ran);
    const entries = await entriesOf(id);
    expect(entries).toHaveLength(ran); // skipped tasks ran nothing and cost nothing
    const dearest = Math.max(...entries.map((e) => e.amountMilliFen));
    // The overshoot is bounded by the tasks in flight when spend crossed the budget: with one worker slot, the task
    // that crossed it and the one the worker took from the queue as it finished (BullMQ fetches the next job with the
    // completion), before the API had recorded the charge and run the gate. Nothing after those two starts.
    expect(done.cost!.actual).toBeLessThanOrEqual(budget + 2 * dearest);
    expect(ran).toBeLessThanOrEqual(Math.ceil(budget / Math.min(...entries.map((e) => e.amountMilliFen))) + 2);
  });

  it("charges a GPU server-hour's idle time once, spread over the jobs by the images it made, and storage per byte-day", async () => {
    const meters = farm.app.farm.costs.meters;
    const jobs = await db().select({ id: tables.jobs.id }).from(tables.jobs).limit(2);
    const hour = Date.UTC(2026, 2, 1, 10);
    // What the server rendered in that hour: 20 busy minutes, 3 images for one job and 1 for another.
    await db().insert(tables.costEntries).values(jobs.map((j, i) => ({
      id: crypto.randomUUID(), entryKey: `attempt:test-${i}`, jobId: j.id, backend: 'comfyui', server: 'gpu-test', kind: 'gpu-seconds' as const,
      quantityMilli: 600_000, images: i === 0 ? 3 : 1, priceBookVersion: 1, amountMilliFen: 0, occurredAt: new Date(hour + 60_000 * (i + 1)),
    })));
    await meters.meterIdleHour('gpu-test', hour, 3_600_000);
    await meters.meterIdleHour('gpu-test', hour, 3_600_000); // a second pass (or replica) charges nothing more
    const idle = await db().select().from(tables.costEntries).where(eq(tables.costEntries.kind, 'idle'));
    // 40 idle minutes at the book's ¥1.98/h = 132,000 milli-fen, split 3 : 1.
    expect(idle.map((e) => [e.jobId, e.amountMilliFen, e.quantityMilli]).sort((a, b) => Number(b[1]) - Number(a[1])))
      .toEqual([[jobs[0]!.id, 99_000, 1_800_000], [jobs[1]!.id, 33_000, 600_000]]);

    // Health observations: up for ten minutes, then the hour closes with no images → one line without a job.
    const t = Date.UTC(2026, 2, 2, 8, 50);
    const up = [{ name: 'gpu-quiet', state: 'up' }] as never;
    meters.observe(up, t);
    meters.observe(up, t + 600_000);
    await meters.closeHours(t + 3_600_000);
    const quiet = await db().select().from(tables.costEntries).where(eq(tables.costEntries.server, 'gpu-quiet'));
    expect(quiet).toMatchObject([{ kind: 'idle', jobId: null, quantityMilli: 600_000, amountMilliFen: 33_000, entryKey: 'idle:gpu-quiet:2026-03-02T08:00:00.000Z:none' }]);

    // A dear storage price, so the few megabytes a test stores come to whole milli-fen (¥0.12/GB-month would round to 0).
    const book: { current: PriceBookVersion } = (await farm.inject({ method: 'GET', url: '/api/prices' })).json();
    const storagePrice = 30_000_000;
    const dearStorage = { ...book.current.content, storagePerGbMonth: { milliFen: storagePrice, source: 'test: dear storage', date: '2026-12-01' } };
    expect((await farm.inject({ method: 'PUT', url: '/api/prices', payload: { content: dearStorage } })).statusCode).toBe(200);
    const today = new Date();
    await meters.meterStorageDay(today);
    await meters.meterStorageDay(today);
    const storage = await db().select().from(tables.costEntries).where(eq(tables.costEntries.kind, 'storage'));
    const bytes = await db().select({ jobId: tables.assets.jobId, bytes: sql<string>`sum(${tables.assets.bytes})` }).from(tables.assets).groupBy(tables.assets.jobId);
    // The day's bytes priced once (per GB-month ÷ 30), the amount split over the jobs by their bytes.
    const totalBytes = bytes.reduce((sum, b) => sum + Number(b.bytes), 0);
    expect(chargeForStorage(totalBytes, 1, storagePrice)).toBeGreaterThan(0);
    expect(storage.reduce((sum, e) => sum + e.amountMilliFen, 0)).toBe(chargeForStorage(totalBytes, 1, storagePrice));
    expect(storage.length).toBeGreaterThan(1);
    expect(storage.every((e) => e.entryKey === `storage:${today.toISOString().slice(0, 10)}:${e.jobId ?? 'none'}`)).toBe(true);

    const byServer: CostRollup = (await farm.inject({ method: 'GET', url: '/api/costs?groupBy=server&from=2026-01-01' })).json();
    expect(byServer.rows.find((r) => r.key === 'gpu-test')).toMatchObject({ idleAmount: 132_000, amount: 132_000, images: 4 });
  });

  it('counts approved images as live until the farm sets a live pointer, then the images pointers have named', async () => {
    const { id } = (await submit({ variants: 2 })).json();
    const job = await finished(id);
    const [first, second] = job.outputs.map((o) => o.assetId);
    expect(await farm.inject({ method: 'POST', url: `/api/assets/${first}/review`, payload: { verdict: 'approve' } })).toMatchObject({ statusCode: 201 });
    const jobRow = async () => ((await farm.inject({ method: 'GET', url: '/api/costs?groupBy=job' })).json() as CostRollup).rows.find((r) => r.key === id)!;
    const before = (await farm.inject({ method: 'GET', url: '/api/costs?groupBy=job' })).json() as CostRollup;
    expect(before.liveSource).toBe('approved');
    expect(await jobRow()).toMatchObject({ images: 2, approved: 1, live: 1 });

    // The other image goes live in a shop: from now on only what a pointer named counts as live.
    expect((await farm.inject({ method: 'PUT', url: '/api/slots/SKU-COST-1/main', payload: { assetId: second } })).statusCode).toBe(200);
    const after = (await farm.inject({ method: 'GET', url: '/api/costs?groupBy=job' })).json() as CostRollup;
    expect(after.liveSource).toBe('live-pointers');
    const row = await jobRow();
    expect(row).toMatchObject({ images: 2, approved: 1, live: 1 });
    expect(row.perLiveImage).toBe(row.amount);
  });
});
