import { createHash, randomInt } from 'node:crypto';
import { Queue, Worker } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import type { JobEvent } from '@shotfarm/shared';
import { tables } from '@shotfarm/shared/db';
import { createRedis } from '@shotfarm/shared/queue';
import { makeThumbnail } from '@shotfarm/shared/images';
import { createStorage, storageKeys, type Storage } from '@shotfarm/shared/storage';
import { createBackends, renderProductShot, RenderWorker } from '@shotfarm/render-worker';
import { ProductShotStudioParams } from '@shotfarm/workflows';
import { interleave, timeBatch, type Benchmark, type BenchmarkResult } from '../measure.ts';
import { makeProductPhoto } from '../product-photo.ts';
import { startBenchFarm, type BenchApi } from '../bench-farm.ts';
import { Closers } from '../closers.ts';
import { multipartFile } from '../multipart-file.ts';

/** Options of {@link runFarmThroughput}. */
export interface FarmThroughputOptions {
  /** Jobs in each timed batch, farm and raw alike. @defaultValue 40 */
  jobsPerRound?: number;
  /** Paired rounds. @defaultValue 5 */
  rounds?: number;
  /** Untimed jobs of each kind before the rounds. @defaultValue 6 */
  warmUpJobs?: number;
  /** Tasks each worker runs at once, the farm's default. @defaultValue 2 */
  concurrency?: number;
  /** Side of the uploaded product photo. @defaultValue 600 */
  photoSidePx?: number;
  /** A batch that has not finished by then fails the benchmark. @defaultValue 120_000 */
  batchTimeoutMs?: number;
}

const defaultJobsPerRound = 40;
const defaultRounds = 5;
const defaultWarmUpJobs = 6;
const defaultConcurrency = 2;
const defaultPhotoSidePx = 600;
const defaultBatchTimeoutMs = 120_000;
/** With no job finished for this long, ask the API instead of trusting the event bus alone. */
const stallCheckMs = 5_000;

const recipeId = 'product-shot/studio-local';
const rawQueueName = 'raw-product-shot';
/** Apart from the farm's `shotfarm` keys, on the same redis-server. */
const rawQueuePrefix = 'bench';

/** What a raw BullMQ job carries: where the photo is, as a render task would. */
interface RawJobData {
  productKey: string;
  variantIndex: number;
  seed: number;
}

/**
 * Jobs per second through the whole farm (HTTP API → Postgres → BullMQ flow → render worker → storage and
 * thumbnail → result recorded → job finalised) against a bare BullMQ queue and worker doing the same work on the
 * same redis: `renderProductShot`, then the thumbnail and both objects written to the same storage. The ratio is
 * what the farm's bookkeeping costs (API, database, flow, events), not the render or the storage writes.
 */
export async function runFarmThroughput(opts: FarmThroughputOptions = {}): Promise<BenchmarkResult> {
  const jobsPerRound = opts.jobsPerRound ?? defaultJobsPerRound;
  const concurrency = opts.concurrency ?? defaultConcurrency;
  const batchTimeoutMs = opts.batchTimeoutMs ?? defaultBatchTimeoutMs;
  const closers = new Closers();
  try {
    const { app, api, config, redisUrl, database } = await startBenchFarm(closers);

    const worker = new RenderWorker({
      redisUrl, prefix: config.queuePrefix, storage: await createStorage(config.storage),
      backends: createBackends(['local']), concurrency,
    });
    closers.add(() => worker.close());
    await worker.start();

    const upload = await api.inject({ method: 'POST', url: '/api/assets', ...multipartFile(await makeProductPhoto(opts.photoSidePx ?? defaultPhotoSidePx), 'product.jpg', 'image/jpeg') });
    if (upload.statusCode !== 201) throw new Error(`upload answered ${upload.statusCode}: ${upload.body}`);
    const assetId = (upload.json() as { id: string }).id;
    // The only asset so far; the raw jobs carry its storage key, as a render task carries its inputs.
    const [asset] = await database.db.select({ key: tables.assets.key }).from(tables.assets);
    if (!asset) throw new Error('the uploaded photo has no asset row');

    const rawStorage = await createStorage(config.storage);
    closers.add(() => rawStorage.close());
    const raw = new RawFarm({ redisUrl, storage: rawStorage, concurrency });
    closers.add(() => raw.close());
    await raw.start();

    const farmBatch = (jobs: number) => submitAndWait(app, api, { assetId, jobs, timeoutMs: batchTimeoutMs });
    const rawBatch = (jobs: number) => raw.addAndWait({ productKey: asset.key, jobs, timeoutMs: batchTimeoutMs });
    const warmUpJobs = opts.warmUpJobs ?? defaultWarmUpJobs;
    const comparison = await interleave({
      rounds: opts.rounds ?? defaultRounds,
      warmUp: async () => { await rawBatch(warmUpJobs); await farmBatch(warmUpJobs); },
      baseline: () => timeBatch(jobsPerRound, () => rawBatch(jobsPerRound)),
      subject: () => timeBatch(jobsPerRound, () => farmBatch(jobsPerRound)),
    });
    return { name: farmThroughput.name, comparison, itemNoun: 'jobs', itemsPerRound: jobsPerRound, baselineLabel: 'raw BullMQ' };
  } finally {
    await closers.closeAll();
  }
}

export const farmThroughput: Benchmark = { name: 'farm-throughput', run: () => runFarmThroughput() };

/** Submit `jobs` one-variant product-shot jobs through the API, one request after another; resolve when all succeeded. */
async function submitAndWait(app: FastifyInstance, api: BenchApi, opts: { assetId: string; jobs: number; timeoutMs: number }): Promise<void> {
  const waiter = new JobWaiter(app, api);
  try {
    for (let i = 0; i < opts.jobs; i++) {
      const res = await api.inject({
        method: 'POST', url: '/api/jobs',
        payload: { type: 'product-shot', recipe: recipeId, inputs: { product: opts.assetId }, params: { preset: 'taobao-800' }, variants: 1 },
      });
      if (res.statusCode !== 201) throw new Error(`POST /api/jobs answered ${res.statusCode}: ${res.body}`);
      waiter.watch((res.json() as { id: string }).id);
    }
    await waiter.all(opts.timeoutMs);
  } finally {
    waiter.close();
  }
}

/**
 * Waits for jobs to finish through `app.farm.bus`, which costs the farm nothing extra (a poll would add
 * load to what is measured). Should the bus ever miss an event, a stall makes it ask the API once.
 */
class JobWaiter {
  readonly #app: FastifyInstance;
  readonly #api: BenchApi;
  readonly #pending = new Map<string, () => void>();
  #settle: { resolve: () => void; reject: (e: Error) => void } | undefined;
  #failure: Error | undefined;
  #lastDoneAt = Date.now();

  constructor(app: FastifyInstance, api: BenchApi) {
    this.#app = app;
    this.#api = api;
  }

  watch(jobId: string): void {
    const unsubscribe = this.#app.farm.bus.subscribe(jobId, (e: JobEvent) => {
      if (e.type === 'job-done') this.#done(jobId, e.status);
    });
    this.#pending.set(jobId, unsubscribe);
  }

  async all(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const finished = new Promise<void>((resolve, reject) => { this.#settle = { resolve, reject }; });
    this.#check();
    const timer = setInterval(() => {
      if (Date.now() > deadline) this.#fail(new Error(`${this.#pending.size} jobs not finished within ${timeoutMs} ms`));
      else if (Date.now() - this.#lastDoneAt > stallCheckMs) {
        this.#askApi().catch((e: unknown) => this.#fail(new Error('asking the API for job statuses failed', { cause: e })));
      }
    }, 1_000);
    try {
      await finished;
    } finally {
      clearInterval(timer);
    }
  }

  close(): void {
    for (const unsubscribe of this.#pending.values()) unsubscribe();
    this.#pending.clear();
  }

  #done(jobId: string, status: string): void {
    const unsubscribe = this.#pending.get(jobId);
    if (!unsubscribe) return;
    unsubscribe();
    this.#pending.delete(jobId);
    this.#lastDoneAt = Date.now();
    if (status !== 'succeeded') this.#fail(new Error(`job ${jobId} finished ${status}`));
    this.#check();
  }

  #fail(e: Error): void {
    this.#failure ??= e;
    this.#check();
  }

  #check(): void {
    if (!this.#settle) return;
    if (this.#failure) this.#settle.reject(this.#failure);
    else if (this.#pending.size === 0) this.#settle.resolve();
  }

  async #askApi(): Promise<void> {
    this.#lastDoneAt = Date.now();
    for (const jobId of [...this.#pending.keys()]) {
      const res = await this.#api.inject({ method: 'GET', url: `/api/jobs/${jobId}` });
      const job = res.json() as { status: string; error?: { code: string; message: string } | null };
      if (job.status === 'succeeded') this.#done(jobId, job.status);
      else if (job.status === 'failed' || job.status === 'canceled') {
        this.#fail(new Error(`job ${jobId} finished ${job.status}: ${job.error?.code ?? ''} ${job.error?.message ?? ''}`));
      }
    }
  }
}

/** Options of {@link RawFarm}. */
interface RawFarmOptions {
  redisUrl: string;
  /** Where the photo is read from, as the render worker reads its inputs. */
  storage: Storage;
  concurrency: number;
}

/**
 * The baseline: a BullMQ queue and worker, nothing else. The processor does the work a render task does outside the
 * farm's bookkeeping: read the photo, render, make the 256 px thumbnail, write thumbnail and image to storage.
 */
class RawFarm {
  readonly #opts: RawFarmOptions;
  readonly #params = ProductShotStudioParams.parse({ preset: 'taobao-800' });
  readonly #connections: Redis[] = [];
  #queue: Queue<RawJobData> | undefined;
  #worker: Worker<RawJobData, number> | undefined;

  constructor(opts: RawFarmOptions) {
    this.#opts = opts;
  }

  async start(): Promise<void> {
    const connection = () => {
      const redis = createRedis(this.#opts.redisUrl);
      this.#connections.push(redis);
      return redis;
    };
    this.#queue = new Queue<RawJobData>(rawQueueName, { connection: connection(), prefix: rawQueuePrefix });
    this.#worker = new Worker<RawJobData, number>(rawQueueName, async (job) => {
      const product = await this.#opts.storage.get(job.data.productKey);
      const shot = await renderProductShot({ product, params: this.#params, variantIndex: job.data.variantIndex, seed: job.data.seed });
      const sha256 = createHash('sha256').update(shot.data).digest('hex');
      const key = storageKeys.output({ jobId: rawQueueName, taskId: job.id ?? 'raw' }, sha256, 'jpg');
      await this.#opts.storage.put(storageKeys.thumbnail(key), await makeThumbnail(shot.data), { contentType: 'image/webp' });
      await this.#opts.storage.put(key, shot.data, { contentType: 'image/jpeg' });
      return shot.info.bytes;
    }, { connection: connection(), prefix: rawQueuePrefix, concurrency: this.#opts.concurrency });
    this.#worker.on('error', (e) => console.error('[raw worker]', e.message));
    await Promise.all([this.#queue.waitUntilReady(), this.#worker.waitUntilReady()]);
  }

  /** Add `jobs` jobs one after another, as the API does; resolve when the worker has completed them all. */
  async addAndWait(opts: { productKey: string; jobs: number; timeoutMs: number }): Promise<void> {
    const queue = this.#queue;
    const worker = this.#worker;
    if (!queue || !worker) throw new Error('RawFarm.start() first');
    const ids = new Set<string>();
    let completed = 0;
    let onCompleted: ((job: { id?: string | undefined }) => void) | undefined;
    let onFailed: ((job: { id?: string | undefined } | undefined, e: Error) => void) | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    // Listening before adding: a job can complete before `add` resolves.
    const done = new Promise<void>((resolve, reject) => {
      onCompleted = (job) => { if (job.id && ids.has(job.id) && ++completed === opts.jobs) resolve(); };
      onFailed = (job, e) => { if (job?.id && ids.has(job.id)) reject(new Error(`raw job ${job.id} failed: ${e.message}`)); };
      timer = setTimeout(() => reject(new Error(`raw jobs not finished within ${opts.timeoutMs} ms`)), opts.timeoutMs);
      worker.on('completed', onCompleted);
      worker.on('failed', onFailed);
    });
    done.catch(() => undefined); // a failure while still adding is rethrown by `await done` below
    try {
      for (let i = 0; i < opts.jobs; i++) {
        // Ids chosen here, so a completion that beats `add` is still counted.
        const jobId = `raw-${randomInt(2 ** 47)}`;
        ids.add(jobId);
        await queue.add('render', { productKey: opts.productKey, variantIndex: 0, seed: randomInt(2 ** 31) }, { jobId });
      }
      await done;
    } finally {
      clearTimeout(timer);
      if (onCompleted) worker.off('completed', onCompleted);
      if (onFailed) worker.off('failed', onFailed);
    }
  }

  async close(): Promise<void> {
    await this.#worker?.close();
    await this.#queue?.close();
    for (const redis of this.#connections) await redis.quit().catch(() => undefined);
  }
}

