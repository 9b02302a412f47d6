import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { z } from 'zod';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TaskError, type RenderProgress, type RenderTask, type RenderUsage } from '@shotfarm/shared';
import { createRedis, EmbeddedRedis } from '@shotfarm/shared/queue';
import { FolderStorage, UrlSigner, type Storage } from '@shotfarm/shared/storage';
import { recipes as shippedRecipes, type Recipe } from '@shotfarm/workflows';
import { ReplicateDouble, type DoubleModel } from '../../../test/replicate-double/replicate-double.ts';
import { makePng } from '../../../test/replicate-double/media.ts';
import type { RenderContext } from '../../interfaces/index.ts';
import { replicatePredictionChannel, verifyReplicateWebhook } from '@shotfarm/shared/replicate';
import { ReplicateBackend, type ReplicateBackendOptions } from './replicate-backend.ts';

const fixtures = path.resolve(fileURLToPath(new URL('../../../../../shared/fixtures/images', import.meta.url)));
const token = 'r8_test_token';
const vtonVersion = '0513734a452173b8173e907e3a59d19a36266e55b48528559432bd21c7d7e985';

const models: DoubleModel[] = [
  { ref: 'cuuupid/idm-vton', official: false, version: vtonVersion, output: 'image', input: {
    required: ['garm_img', 'human_img'],
    properties: { garm_img: { type: 'string' }, human_img: { type: 'string' }, garment_des: { type: 'string' }, seed: { type: 'integer' },
      steps: { type: 'integer', minimum: 1, maximum: 40 }, category: { type: 'string', enum: ['upper_body', 'lower_body', 'dresses'] } } } },
  { ref: 'bria/generate-background', official: true, version: 'e9e2ad46'.padEnd(64, '0'), output: 'images', input: {
    required: ['image'], properties: { image: { type: 'string' }, bg_prompt: { type: 'string' }, seed: { type: 'integer' } } } },
  { ref: 'kwaivgi/kling-v2.1', official: true, version: 'c17ab6fb'.padEnd(64, '0'), output: 'video', input: {
    required: ['prompt', 'start_image'], properties: { prompt: { type: 'string' }, start_image: { type: 'string' }, duration: { type: 'integer', enum: [5, 10] } } } },
  { ref: 'wan-video/wan-2.2-i2v-fast', official: true, version: 'hidden'.padEnd(64, '0'), output: 'video', input: {
    required: ['image', 'prompt'], properties: { image: { type: 'string' }, prompt: { type: 'string' }, seed: { type: 'integer' }, num_frames: { type: 'integer', minimum: 81, maximum: 121 },
      resolution: { type: 'string', enum: ['480p', '720p'] }, frames_per_second: { type: 'integer', minimum: 5, maximum: 30 }, go_fast: { type: 'boolean' } } } },
];

/** Recipes as recipeFromManifest will make them (only the fields this backend reads matter). */
function recipe(id: string, type: RenderTask['jobType'], kind: 'image' | 'video', manifest: object): Recipe {
  return { id, version: 1, type, title: { 'zh-CN': id, en: id }, description: { 'zh-CN': '', en: '' }, backend: 'replicate', inputs: [],
    params: z.strictObject({}), outputs: { kind, countPerTask: 1 }, estimateSecondsPerTask: 30, compile: () => [], manifest } as unknown as Recipe;
}
const recipes = new Map<string, Recipe>([
  ['model-swap/vton', recipe('model-swap/vton', 'model-swap', 'image', {
    inputs: [{ name: 'garment', kind: 'image' }, { name: 'person', kind: 'image' }, { name: 'seed', kind: 'seed' }, { name: 'steps', kind: 'integer' }, { name: 'prompt', kind: 'text' }],
    replicate: { model: 'cuuupid/idm-vton', version: vtonVersion, fields: { garment: 'garm_img', person: 'human_img', prompt: 'garment_des', seed: 'seed', steps: 'steps' }, fixedInput: { category: 'upper_body' } } })],
  ['product-shot/bria', recipe('product-shot/bria', 'product-shot', 'image', {
    inputs: [{ name: 'product', kind: 'image' }, { name: 'seed', kind: 'seed' }, { name: 'scene', kind: 'text' }],
    replicate: { model: 'bria/generate-background', fields: { product: 'image', scene: 'bg_prompt', seed: 'seed' } } })],
  ['short-video/kling', recipe('short-video/kling', 'short-video', 'video', {
    inputs: [{ name: 'product', kind: 'image' }, { name: 'prompt', kind: 'text' }],
    replicate: { model: 'kwaivgi/kling-v2.1', fields: { product: 'start_image', prompt: 'prompt' }, fixedInput: { duration: 5 } } })],
]);

describe('ReplicateBackend against the protocol double', () => {
  let double: ReplicateDouble;
  let dir: string;
  let storage: Storage;
  const inputs: Record<string, { key: string; mime: string }> = {};

  beforeAll(async () => {
    double = await ReplicateDouble.start({ token, models });
    dir = await mkdtemp(path.join(tmpdir(), 'sf-replicate-test-'));
    storage = new FolderStorage({ root: path.join(dir, 'objects'), publicBaseUrl: 'http://127.0.0.1:1', signer: new UrlSigner('x'.repeat(32)), defaultTtlS: 60 });
    for (const [name, file, mime] of [['garment', 'garments/cc0-dress-35f157d0.jpg', 'image/jpeg'], ['person', 'persons/ootd-model_9.png', 'image/png'], ['product', 'products/cc0-shoes-132e5fa5.jpg', 'image/jpeg']] as const) {
      const key = `uploads/test/${name}.${mime.split('/')[1]}`;
      await storage.put(key, await readFile(path.join(fixtures, file)), { contentType: mime });
      inputs[name] = { key, mime };
    }
  });
  afterAll(async () => {
    await double.close();
    await rm(dir, { recursive: true, force: true });
  });
  beforeEach(() => { double.requests.length = 0; });

  const backend = (o: Partial<ReplicateBackendOptions> = {}) => new ReplicateBackend({
    token, baseUrl: double.baseUrl, recipes, pollInitialMs: 20, pollMaxMs: 80, retry: { baseMs: 40 }, ...o,
  });
  let n = 0;
  const task = (recipeId: string, over: Partial<RenderTask> = {}): RenderTask => ({
    jobId: '01900000-0000-7000-8000-000000000001', taskId: `01900000-0000-7000-8000-${String(++n).padStart(12, '0')}`,
    jobType: (recipes.get(recipeId) ?? shippedRecipes.get(recipeId))!.type, recipe: { id: recipeId, version: 1 }, backend: 'replicate',
    inputs: recipeId === 'model-swap/vton' ? { garment: inputs.garment!, person: inputs.person! } : { product: inputs.product! },
    params: recipeId === 'model-swap/vton' ? { prompt: 'red knit dress', steps: 30 } : { prompt: 'slow pan', scene: 'marble table' },
    variantIndex: 0, seed: 4242, ...over,
  });
  const context = (signal = new AbortController().signal): RenderContext & { seen: RenderProgress[]; usage: RenderUsage[] } => {
    const seen: RenderProgress[] = [];
    const usage: RenderUsage[] = [];
    return { signal, storage, seen, usage, progress: async (p) => { seen.push(p); }, reportUsage: (u) => { usage.push(u); } };
  };
  const failure = async (p: Promise<unknown>): Promise<TaskError> => {
    const e = await p.then(() => undefined, (x: unknown) => x);
    expect(e).toBeInstanceOf(TaskError);
    return e as TaskError;
  };

  it('renders a pinned version: uploads inputs, creates once with Cancel-After, copies the output into storage', async () => {
    const b = backend({ deadlineS: 600 });
    const ctx = context();
    const [out, ...rest] = await b.render(task('model-swap/vton'), ctx);
    expect(rest).toHaveLength(0);
    expect(out!.key).toMatch(/^outputs\/01900000-0000-7000-8000-000000000001\/[^/]+\/[0-9a-f]{64}\.png$/);
    expect(await storage.get(out!.key)).toEqual(await makePng(4242));
    expect(await storage.head(out!.thumbKey)).toMatchObject({ contentType: 'image/webp' });
    expect(out).toMatchObject({ mime: 'image/png', width: 64, height: 48, params: { prompt: 'red knit dress', seed: 4242 } });
    expect((out!.params.replicate as { predictTimeS: number }).predictTimeS).toBeGreaterThan(0);
    expect(ctx.usage).toHaveLength(1);
    expect(ctx.usage[0]).toMatchObject({ provider: 'replicate', predictionIds: [expect.any(String)] });
    expect(ctx.usage[0]!.gpuSeconds).toBeGreaterThan(0);
    const creates = double.requestsTo('POST', /^\/v1\/predictions$/);
    expect(creates).toHaveLength(1);
    expect(creates[0]!.headers['cancel-after']).toBe('600s');
    const p = [...double.predictions.values()].at(-1)!;
    expect(p.input).toMatchObject({ category: 'upper_body', garment_des: 'red knit dress', seed: 4242, steps: 30 });
    expect(String(p.input.garm_img)).toMatch(new RegExp(`^${double.baseUrl}/files/`));
    expect(double.requestsTo('POST', /^\/v1\/files$/)).toHaveLength(2);
    expect(double.files.size).toBe(0); // deleted after the prediction ended
    expect(ctx.seen.map((s) => s.stage)).toEqual(expect.arrayContaining(['replicate:create', 'replicate:download', 'stored']));
    await b.close();
  });

  it('runs an official model by its model route and stores every URL of a list output', async () => {
    const outputs = await backend().render(task('product-shot/bria'), context());
    expect(double.requestsTo('POST', /^\/v1\/models\/bria\/generate-background\/predictions$/)).toHaveLength(1);
    expect(outputs).toHaveLength(2);
    expect(new Set(outputs.map((o) => o.key)).size).toBe(2);
    expect((outputs[1]!.params.replicate as Record<string, unknown>).predictTimeS).toBeUndefined(); // billed once, on output 0
  });

  it('stores an MP4 output with its size and a first-frame thumbnail', async () => {
    const [video] = await backend().render(task('short-video/kling'), context());
    expect(video).toMatchObject({ mime: 'video/mp4', width: 64, height: 48 });
    expect((await storage.get(video!.key)).subarray(4, 8).toString('latin1')).toBe('ftyp');
    expect((await sharp(await storage.get(video!.thumbKey)).metadata()).format).toBe('webp');
  });

  it.each([
    ['model-swap/replicate-idm-vton', { person: 'person', garment: 'garment' }, 'image/png', /^\/v1\/predictions$/],
    ['short-video/replicate-wan-i2v', { product: 'product' }, 'video/mp4', /^\/v1\/models\/wan-video\/wan-2.2-i2v-fast\/predictions$/],
  ] as const)('renders the shipped recipe %s from its manifest', async (id, images, mime, route) => {
    const shipped = shippedRecipes.get(id)!;
    expect(shipped.manifest?.replicate).toBeDefined();
    const params = shipped.params.parse({}) as RenderTask['params'];
    const t = task(id, { jobType: shipped.type, inputs: Object.fromEntries(Object.entries(images).map(([k, v]) => [k, inputs[v]!])), params });
    const [out] = await backend({ recipes: shippedRecipes }).render(t, context());
    expect(out!.mime).toBe(mime);
    expect(double.requestsTo('POST', route)).toHaveLength(1);
    const sent = [...double.predictions.values()].at(-1)!.input;
    expect(sent.seed).toBe(4242);
    for (const [k, v] of Object.entries(shipped.manifest!.replicate!.fixedInput ?? {})) expect(sent[k]).toEqual(v);
  });

  it('fails at once on 422, naming the field, and does not retry', async () => {
    const e = await failure(backend().render(task('model-swap/vton', { params: { prompt: 'x', steps: 99 } }), context()));
    expect(e.code).toBe('SF_RENDER_REPLICATE_INPUT_INVALID');
    expect(e.retryable).toBe(false);
    expect(e.message).toContain('input.steps');
    expect(double.requestsTo('POST', /^\/v1\/predictions$/)).toHaveLength(1);
  });

  it('fails at once, not retried, on a bad token (401) and on missing billing (402)', async () => {
    const badToken = await failure(backend({ token: 'r8_wrong' }).render(task('product-shot/bria'), context()));
    expect(badToken).toMatchObject({ code: 'SF_RENDER_REPLICATE_REFUSED', retryable: false });
    double.fault('create', { status: 402, detail: 'You need to set up billing to run this model.' });
    const billing = await failure(backend().render(task('product-shot/bria'), context()));
    expect(billing).toMatchObject({ code: 'SF_RENDER_REPLICATE_REFUSED', retryable: false });
    expect(billing.message).toContain('billing');
    expect(double.requestsTo('POST', /\/predictions$/)).toHaveLength(1);
  });

  it('waits as long as a 429 Retry-After asks before creating again', async () => {
    double.fault('create', { status: 429, retryAfter: '1' });
    await backend().render(task('model-swap/vton'), context());
    const creates = double.requestsTo('POST', /^\/v1\/predictions$/);
    expect(creates).toHaveLength(2);
    expect(creates[1]!.atMs - creates[0]!.atMs).toBeGreaterThanOrEqual(950);
  });

  it('retries 5xx polls with growing back-off, and a 5xx create only after listing shows nothing was made', async () => {
    const before = double.predictions.size;
    double.fault('create', { status: 503 });
    double.script({ processingMs: 400 });
    double.fault('get', { status: 502 }, 3);
    await backend({ pollInitialMs: 5 }).render(task('model-swap/vton'), context());
    expect(double.predictions.size).toBe(before + 1);
    expect(double.requestsTo('GET', /^\/v1\/predictions$/).length).toBeGreaterThanOrEqual(1);
    const gets = double.requestsTo('GET', /^\/v1\/predictions\/[^/]+$/);
    expect(gets.length).toBeGreaterThanOrEqual(4);
    const gap1 = gets[1]!.atMs - gets[0]!.atMs;
    const gap2 = gets[2]!.atMs - gets[1]!.atMs;
    expect(gap1).toBeGreaterThanOrEqual(35);
    expect(gap2).toBeGreaterThanOrEqual(75);
  });

  it('finds a create whose answer was lost by listing, and never creates a second prediction', async () => {
    const before = double.predictions.size;
    double.fault('create', { drop: 'after-create' });
    const outputs = await backend().render(task('model-swap/vton'), context());
    expect(outputs).toHaveLength(1);
    expect(double.predictions.size).toBe(before + 1);
    expect(double.requestsTo('POST', /^\/v1\/predictions$/)).toHaveLength(1);
    expect(double.requestsTo('GET', /^\/v1\/predictions$/)).toHaveLength(1);
  });

  it('treats aborted (deadline before start) as terminal and retryable', async () => {
    double.script({ outcome: 'aborted' });
    const e = await failure(backend().render(task('model-swap/vton'), context()));
    expect(e.code).toBe('SF_RENDER_REPLICATE_ABORTED');
    expect(e.retryable).toBe(true);
  });

  it('reports failed and externally canceled predictions with their error, not retried', async () => {
    double.script({ outcome: 'failed', error: 'CUDA out of memory' }, { outcome: 'canceled' });
    const failed = await failure(backend().render(task('model-swap/vton'), context()));
    expect(failed.code).toBe('SF_RENDER_REPLICATE_PREDICTION_FAILED');
    expect(failed.message).toContain('CUDA out of memory');
    expect(failed.retryable).toBe(false);
    expect((await failure(backend().render(task('model-swap/vton'), context()))).code).toBe('SF_RENDER_REPLICATE_CANCELED');
  });

  it('cancels the prediction when the task is aborted', async () => {
    double.script({ processingMs: 10_000 });
    const ac = new AbortController();
    const running = backend().render(task('model-swap/vton'), context(ac.signal));
    while (![...double.predictions.values()].some((p) => p.status === 'processing')) await new Promise((r) => setTimeout(r, 10));
    ac.abort();
    expect((await failure(running)).code).toBe('SF_RENDER_CANCELED');
    expect(double.requestsTo('POST', /\/cancel$/)).toHaveLength(1);
    expect([...double.predictions.values()].at(-1)!.status).toBe('canceled');
  });

  it('a prediction running past REPLICATE_DEADLINE_S is canceled by Replicate and reported as a deadline', async () => {
    double.script({ processingMs: 10_000 });
    const e = await failure(backend({ deadlineS: 1 }).render(task('model-swap/vton'), context()));
    expect(e.code).toBe('SF_RENDER_REPLICATE_DEADLINE');
    expect(double.requestsTo('POST', /^\/v1\/predictions$/)[0]!.headers['cancel-after']).toBe('1s');
    expect([...double.predictions.values()].at(-1)!.status).toBe('canceled');
  });

  it('cancels the prediction itself when Replicate lets it run past the deadline', async () => {
    double.script({ processingMs: 10_000, ignoreDeadline: true });
    const started = Date.now();
    const e = await failure(backend({ deadlineS: 1, deadlineGraceMs: 200 }).render(task('model-swap/vton'), context()));
    expect(e.code).toBe('SF_RENDER_REPLICATE_DEADLINE');
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(double.requestsTo('POST', /\/cancel$/)).toHaveLength(1);
    expect([...double.predictions.values()].at(-1)!.status).toBe('canceled');
  });

  describe('with webhooks', () => {
    let redis: EmbeddedRedis;
    let receiver: Server;
    let receiverUrl: string;
    let publisher: ReturnType<typeof createRedis>;
    beforeAll(async () => {
      redis = await EmbeddedRedis.start({ dataDir: path.join(dir, 'redis') });
      publisher = createRedis(redis.url);
      // Stands in for the studio route (tested on its own): verify, then publish on the prediction's channel.
      receiver = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          const rawBody = Buffer.concat(chunks);
          const h = (k: string) => req.headers[k] as string | undefined;
          const verdict = verifyReplicateWebhook({ secret: double.webhookSecret, rawBody, headers: { id: h('webhook-id'), timestamp: h('webhook-timestamp'), signature: h('webhook-signature') } });
          if (verdict !== 'ok') { res.writeHead(401).end(); return; }
          const p = JSON.parse(rawBody.toString()) as { id: string };
          void publisher.publish(replicatePredictionChannel('sf-test', p.id), rawBody.toString()).then(() => res.writeHead(200).end());
        });
      });
      receiver.listen(0, '127.0.0.1');
      await once(receiver, 'listening');
      receiverUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/api/webhooks/replicate`;
    });
    afterAll(async () => {
      receiver.close();
      // Quit before Redis stops: a QUIT still in flight when the server goes would reject unhandled.
      await publisher.quit().catch(() => undefined);
      await redis.stop();
    });

    it('is woken by the completed webhook long before its next poll', async () => {
      const b = backend({ pollInitialMs: 30_000, webhookPollMaxMs: 30_000, webhook: { url: receiverUrl, redisUrl: redis.url, prefix: 'sf-test' } });
      const started = Date.now();
      const outputs = await b.render(task('model-swap/vton'), context());
      expect(outputs).toHaveLength(1);
      expect(Date.now() - started).toBeLessThan(10_000);
      const p = [...double.predictions.values()].at(-1)!;
      expect(p.webhook).toMatch(/sf_attempt=/);
      expect(p.webhook_events_filter).toEqual(['start', 'completed']);
      expect(double.webhookDeliveries.some((d) => d.event === 'completed' && d.status === 200)).toBe(true);
      expect(double.requestsTo('GET', /^\/v1\/predictions\/[^/]+$/)).toHaveLength(0);
      await b.close();
    });

    it('falls back to polling when the webhook never arrives', async () => {
      const b = backend({ webhookPollMaxMs: 80, webhook: { url: 'http://127.0.0.1:9/api/webhooks/replicate', redisUrl: redis.url, prefix: 'sf-test' } });
      expect(await b.render(task('model-swap/vton'), context())).toHaveLength(1);
      expect(double.requestsTo('GET', /^\/v1\/predictions\/[^/]+$/).length).toBeGreaterThan(0);
      await b.close();
    });
  });
});
