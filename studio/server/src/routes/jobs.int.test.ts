import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listProductPhotos, multipartFile, startFarm, type Farm } from '../../test/harness.ts';

describe('POST /api/jobs: validation at the edge', () => {
  let farm: Farm;
  let productId: string;
  beforeAll(async () => {
    farm = await startFarm();
    const photo = await readFile((await listProductPhotos())[0]!);
    const res = await farm.inject({ method: 'POST', url: '/api/assets', ...multipartFile(photo, 'p.jpg') });
    productId = res.json().id;
  });
  afterAll(() => farm.close());

  const submit = (body: unknown) => farm.inject({ method: 'POST', url: '/api/jobs', payload: body as object });
  const valid = () => ({ type: 'product-shot', recipe: 'product-shot/studio-local', inputs: { product: productId }, params: {}, variants: 2 });

  const cases: [string, (b: ReturnType<typeof valid>) => unknown, number, string, string][] = [
    ['an unknown recipe', (b) => ({ ...b, recipe: 'product-shot/nope' }), 422, 'SF_RECIPE_UNKNOWN', 'product-shot/nope'],
    ['a recipe of another job type', (b) => ({ ...b, type: 'model-swap' }), 422, 'SF_RECIPE_UNKNOWN', 'model-swap'],
    ['an unknown recipe parameter', (b) => ({ ...b, params: { sharpness: 3 } }), 422, 'SF_JOB_PARAMS_INVALID', 'sharpness'],
    ['a parameter of the wrong JSON type', (b) => ({ ...b, params: { marginPct: 'wide' } }), 422, 'SF_JOB_PARAMS_INVALID', 'params.marginPct'],
    ['a parameter out of range', (b) => ({ ...b, params: { shadowOpacity: 3 } }), 422, 'SF_JOB_PARAMS_INVALID', 'params.shadowOpacity'],
    ['an enum parameter with an unknown value', (b) => ({ ...b, params: { preset: 'tmall-9000' } }), 422, 'SF_JOB_PARAMS_INVALID', 'params.preset'],
    ['an input asset that does not exist', (b) => ({ ...b, inputs: { product: '01900000-0000-7000-8000-000000000000' } }), 422, 'SF_JOB_INPUT_INVALID', 'inputs.product'],
    ['a missing required input', (b) => ({ ...b, inputs: {} }), 422, 'SF_JOB_INPUT_INVALID', 'inputs.product'],
    ['an input the recipe does not take', (b) => ({ ...b, inputs: { ...b.inputs, garment: productId } }), 422, 'SF_JOB_INPUT_INVALID', 'inputs.garment'],
    ['17 variants', (b) => ({ ...b, variants: 17 }), 422, 'SF_REQUEST_INVALID', 'variants'],
    ['an unknown top-level field', (b) => ({ ...b, colour: 'red' }), 422, 'SF_REQUEST_INVALID', 'colour'],
    ['a job type that does not exist', (b) => ({ ...b, type: 'hologram' }), 422, 'SF_REQUEST_INVALID', 'type'],
  ];

  it.each(cases)('refuses %s, naming the field, and stores nothing', async (_name, mutate, status, code, mentions) => {
    const before = await farm.snapshot();
    const res = await submit(mutate(valid()));
    expect(res.statusCode).toBe(status);
    const body = res.json();
    expect(body.code).toBe(code);
    expect(JSON.stringify(body)).toContain(mentions);
    expect(await farm.snapshot()).toEqual(before);
    expect(await farm.app.queues.render.count()).toBe(0);
  });

  it('commits the job and its tasks, then enqueues one flow child per variant', async () => {
    const res = await submit({ ...valid(), variants: 3, priority: 9 });
    expect(res.statusCode).toBe(201);
    const { id } = res.json();
    const job = (await farm.inject({ method: 'GET', url: `/api/jobs/${id}` })).json();
    expect(job).toMatchObject({ id, type: 'product-shot', recipe: { id: 'product-shot/studio-local', version: 1 }, status: 'queued', progress: 0 });
    expect(job.tasks).toHaveLength(3);
    expect(job.params).toMatchObject({ preset: 'taobao-800', scene: 'auto' }); // defaults filled at submit
    expect(new Set(job.tasks.map((t: { seed: number }) => t.seed)).size).toBe(3);
    const parent = await farm.app.queues.jobs.getJob(id);
    expect(parent).toBeDefined();
    const children = await Promise.all(job.tasks.map((t: { id: string }) => farm.app.queues.render.getJob(t.id)));
    expect(children.every((c) => c !== undefined && c.opts.priority === 2 && c.opts.attempts === farm.config.taskAttempts)).toBe(true);
  });

  it('pages the job list with a cursor and filters by status and type', async () => {
    for (let i = 0; i < 3; i++) expect((await submit(valid())).statusCode).toBe(201);
    const first = (await farm.inject({ method: 'GET', url: '/api/jobs?limit=2' })).json();
    expect(first.items).toHaveLength(2);
    expect(first.nextCursor).toBe(first.items[1].id);
    const second = (await farm.inject({ method: 'GET', url: `/api/jobs?limit=2&cursor=${first.nextCursor}` })).json();
    expect(second.items[0].id < first.items[1].id).toBe(true);
    const ids = new Set([...first.items, ...second.items].map((j: { id: string }) => j.id));
    expect(ids.size).toBe(first.items.length + second.items.length);
    const queued = (await farm.inject({ method: 'GET', url: '/api/jobs?status=queued&type=product-shot&limit=100' })).json();
    expect(queued.items.length).toBeGreaterThanOrEqual(4);
    expect((await farm.inject({ method: 'GET', url: '/api/jobs?status=succeeded' })).json().items).toHaveLength(0);
    expect((await farm.inject({ method: 'GET', url: '/api/jobs?status=bogus' })).statusCode).toBe(400);
  });

  it('cancels a queued job: its tasks leave the queue and the job is canceled', async () => {
    const { id } = (await submit({ ...valid(), variants: 4 })).json();
    const view = (await farm.inject({ method: 'GET', url: `/api/jobs/${id}` })).json();
    const res = await farm.inject({ method: 'POST', url: `/api/jobs/${id}/cancel` });
    expect(res.statusCode).toBe(200);
    expect(res.json().status).toBe('canceled');
    expect(res.json().tasks.every((t: { status: string }) => t.status === 'canceled')).toBe(true);
    for (const t of view.tasks) expect(await farm.app.queues.render.getJob(t.id)).toBeUndefined();
    // The reconciler must not bring a canceled job back.
    expect(await farm.app.farm.reconciler.reconcile()).toMatchObject({ jobsEnqueued: 0, tasksEnqueued: 0 });
  });

  it('refuses a model-swap job on a local-only farm with 422 SF_BACKEND_REQUIRED naming every backend that runs model-swap', async () => {
    const swap = [...farm.app.farm.recipes.values()].filter((r) => r.type === 'model-swap');
    expect(swap.length).toBeGreaterThan(0);
    const able = [...new Set(swap.map((r) => r.backend))].sort();
    expect(able).toEqual(expect.arrayContaining(['comfyui', 'replicate']));
    const before = await farm.snapshot();
    const res = await submit({ type: 'model-swap', recipe: swap[0]!.id, inputs: {}, params: {} });
    expect(res.statusCode).toBe(422);
    const body = res.json();
    expect(body.code).toBe('SF_BACKEND_REQUIRED');
    expect(body.details).toMatchObject({ field: 'recipe', backends: able, configured: ['local'] });
    for (const b of able) expect(body.message).toContain(b);
    expect(await farm.snapshot()).toEqual(before);
  });

  it('fans a 2 × 3 sweep out into 6 tasks, each with its swept values, and shows the axes on the job', async () => {
    const sweep = [{ param: 'marginPct', values: [4, 20] }, { param: 'scene', values: ['solid', 'gradient', 'studio-sweep'] }];
    const res = await submit({ ...valid(), variants: 1, params: { shadowOpacity: 0.5 }, sweep });
    expect(res.statusCode).toBe(201);
    const job = (await farm.inject({ method: 'GET', url: `/api/jobs/${res.json().id}` })).json();
    expect(job.sweep).toEqual(sweep);
    expect(job.tasks.map((t: { params: Record<string, unknown> }) => [t.params.marginPct, t.params.scene])).toEqual([
      [4, 'solid'], [4, 'gradient'], [4, 'studio-sweep'], [20, 'solid'], [20, 'gradient'], [20, 'studio-sweep'],
    ]);
    for (const t of job.tasks) expect(t.params).toMatchObject({ shadowOpacity: 0.5, preset: 'taobao-800' });
    // Cells share the variants' seeds and variant indexes, so only the swept values differ between them.
    expect(new Set(job.tasks.map((t: { seed: number }) => t.seed)).size).toBe(1);
    const children = await Promise.all(job.tasks.map((t: { id: string }) => farm.app.queues.render.getJob(t.id)));
    expect(children.map((c) => c?.data.variantIndex)).toEqual([0, 0, 0, 0, 0, 0]);
    const list = (await farm.inject({ method: 'GET', url: '/api/jobs?limit=1' })).json();
    expect(list.items[0].sweep).toEqual(sweep);
  });

  it('fans a sweep × variants out cell by cell, restarting the variant index in each cell', async () => {
    const res = await submit({ ...valid(), variants: 2, sweep: [{ param: 'marginPct', values: [4, 20] }] });
    const job = (await farm.inject({ method: 'GET', url: `/api/jobs/${res.json().id}` })).json();
    expect(job.tasks.map((t: { params: { marginPct: number } }) => t.params.marginPct)).toEqual([4, 4, 20, 20]);
    const children = await Promise.all(job.tasks.map((t: { id: string }) => farm.app.queues.render.getJob(t.id)));
    expect(children.map((c) => c?.data.variantIndex)).toEqual([0, 1, 0, 1]);
    expect(job.tasks[0].seed).toBe(job.tasks[2].seed);
    expect(job.tasks[0].seed).not.toBe(job.tasks[1].seed);
  });

  it.each([
    ['an unknown parameter', [{ param: 'sharpness', values: [1] }], 1, 'sweep[0].param'],
    ['a text parameter', [{ param: 'color', values: ['#ffffff'] }], 1, 'sweep[0].param'],
    ['a duplicate axis', [{ param: 'scene', values: ['solid'] }, { param: 'scene', values: ['gradient'] }], 1, 'sweep[1].param'],
    ['an empty axis', [{ param: 'marginPct', values: [] }], 1, 'sweep[0].values'],
    ['a value out of range', [{ param: 'marginPct', values: [5, 41] }], 1, 'sweep[0].values[1]'],
    ['more than 64 tasks', [{ param: 'marginPct', values: [1, 2, 3, 4, 5, 6, 7, 8, 9] }, { param: 'scene', values: ['solid', 'gradient'] }], 4, 'sweep'],
  ])('refuses a sweep with %s: 422 SF_JOB_SWEEP_INVALID naming the field, nothing stored', async (_name, sweep, variants, field) => {
    const before = await farm.snapshot();
    const queued = await farm.app.queues.render.count();
    const res = await submit({ ...valid(), variants, sweep });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ code: 'SF_JOB_SWEEP_INVALID', details: { field } });
    expect(res.json().message).toContain(field);
    expect(await farm.snapshot()).toEqual(before);
    expect(await farm.app.queues.render.count()).toBe(queued);
  });

  it('answers 404 for an unknown job', async () => {
    const res = await farm.inject({ method: 'GET', url: '/api/jobs/01900000-0000-7000-8000-000000000000' });
    expect(res.statusCode).toBe(404);
    expect(res.json().code).toBe('SF_JOB_NOT_FOUND');
  });

  it('lists recipes with a JSON Schema of their parameters', async () => {
    const res = (await farm.inject({ method: 'GET', url: '/api/recipes' })).json();
    const recipe = res.items.find((r: { id: string }) => r.id === 'product-shot/studio-local');
    expect(recipe.params.properties.preset.enum).toContain('taobao-800');
    expect(recipe.available).toBe(true);
    // The local CPU is priced per core-hour from the shipped price book: 0.5 s at ¥0.12 = 1.67 → 2 milli-fen.
    // Nothing has succeeded yet, so there is no sample to show (and no measured median to replace the estimate).
    expect(recipe.estimateMilliFenPerImage).toBe(2);
    expect(recipe.sample).toBeNull();
  });

  it('serves health, readiness and the OpenAPI document', async () => {
    expect((await farm.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
    const ready = await farm.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json().checks).toMatchObject({ redis: { ok: true }, database: { ok: true }, storage: { ok: true } });
    const doc = (await farm.inject({ method: 'GET', url: '/docs/json' })).json();
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/assets', '/api/jobs', '/api/jobs/{id}', '/api/jobs/{id}/events']));
    expect((await farm.inject({ method: 'GET', url: '/api/nope' })).json().code).toBe('SF_ROUTE_NOT_FOUND');
  });
});
