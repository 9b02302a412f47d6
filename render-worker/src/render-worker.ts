import { hostname } from 'node:os';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { formatFailure, RenderTask, TaskError, type RenderResult, type RenderUsage } from '@shotfarm/shared';
import { cancelChannel, canceledTaskKey, createRedis, queueNames } from '@shotfarm/shared/queue';
import { classifyStorageFault, type Storage } from '@shotfarm/shared/storage';
import { silentLogger, type Logger } from '@shotfarm/shared/log';
import type { RenderBackend } from './interfaces/index.ts';

export interface RenderWorkerOptions {
  redisUrl: string;
  /** BullMQ key prefix shared with the manager. */
  prefix: string;
  storage: Storage;
  /** Backend id → backend, from `createBackends`. */
  backends: ReadonlyMap<string, RenderBackend>;
  /** Tasks run at once in this process. @defaultValue 1 */
  concurrency?: number;
  /** How often BullMQ checks for tasks whose worker died. @defaultValue 15_000 */
  stalledIntervalMs?: number;
  /** Shown on task rows and the farm page. @defaultValue `<hostname>:<pid>` */
  name?: string;
  /** Structured log; each task's lines carry its `jobId` and `taskId`. @defaultValue silent */
  log?: Logger;
}

/** Thrown inside `#process` when a cancel arrived while the backend finished: its outputs are already deleted. */
class CanceledAfterRender extends Error {}

/** `<hostname>:<pid>`: what a worker is called unless configured, on task rows and the farm page. */
export const defaultWorkerName = (): string => `${hostname()}:${process.pid}`;

/**
 * Consumes the `render` queue. Knows nothing of the database: a task arrives as a `RenderTask`,
 * inputs are read from storage, outputs written to storage, and the result goes back as the BullMQ
 * job's return value (or `failedReason`), which the manager records.
 */
export class RenderWorker {
  readonly name: string;
  readonly #opts: RenderWorkerOptions;
  readonly #log: Logger;
  #worker: Worker<unknown, RenderResult> | undefined;
  #subscriber: Redis | undefined;
  #connection: Redis | undefined;

  constructor(opts: RenderWorkerOptions) {
    this.#opts = opts;
    this.name = opts.name ?? defaultWorkerName();
    this.#log = (opts.log ?? silentLogger()).child({ worker: this.name });
  }

  /** Start taking tasks. Resolves once the worker is connected. */
  async start(): Promise<void> {
    const { redisUrl, prefix } = this.#opts;
    // BullMQ never closes a connection it was handed; `close()` does.
    this.#connection = createRedis(redisUrl);
    this.#worker = new Worker<unknown, RenderResult>(queueNames.render, (job, _token, signal) => this.#processLogged(job, signal), {
      connection: this.#connection,
      prefix,
      concurrency: this.#opts.concurrency ?? 1,
      stalledInterval: this.#opts.stalledIntervalMs ?? 15_000,
      // A killed worker's lock expires after lockDuration; the next stalled check hands its task to another
      // worker. Tying the two keeps recovery within about two intervals. After this many stalls the task fails.
      lockDuration: this.#opts.stalledIntervalMs ?? 15_000,
      maxStalledCount: 2,
      autorun: false,
      name: this.name,
    });
    this.#worker.on('error', (e) => console.error(`[render-worker ${this.name}]`, e.message));
    this.#subscriber = createRedis(redisUrl);
    await this.#subscriber.subscribe(cancelChannel(prefix));
    this.#subscriber.on('message', (_channel: string, taskId: string) => { this.#worker?.cancelJob(taskId, 'canceled'); });
    void this.#worker.run();
    await this.#worker.waitUntilReady();
  }

  /** `#process`, with a line when a task starts, ends and fails, each carrying the job's and the task's ids. */
  async #processLogged(job: Job<unknown, RenderResult>, signal: AbortSignal | undefined): Promise<RenderResult> {
    const data = job.data as { jobId?: unknown; recipe?: unknown; backend?: unknown } | undefined;
    const log = this.#log.child({ jobId: typeof data?.jobId === 'string' ? data.jobId : undefined, taskId: job.id });
    log.info({ recipe: data?.recipe, backend: data?.backend, attempt: job.attemptsStarted }, 'render task started');
    try {
      const result = await this.#process(job, signal);
      log.info({ renderMs: result.renderMs, outputs: result.outputs.length }, 'render task finished');
      return result;
    } catch (e) {
      log.warn({ reason: (e as Error).message, final: e instanceof UnrecoverableError }, 'render task failed');
      throw e;
    }
  }

  async #process(job: Job<unknown, RenderResult>, signal: AbortSignal | undefined): Promise<RenderResult> {
    const parsed = RenderTask.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError(formatFailure('SF_RENDER_TASK_INVALID', parsed.error.message));
    const task = parsed.data;
    const backend = this.#opts.backends.get(task.backend);
    if (!backend) throw new UnrecoverableError(formatFailure('SF_RENDER_NO_BACKEND', `this worker has no "${task.backend}" backend`));
    // The manager marks a task canceled before it removes or aborts it: a copy that got enqueued anyway (a reconcile
    // racing the cancel) or was picked up between the removal and the abort stops here, before any work.
    if (await this.#isCanceled(job.id!)) throw new UnrecoverableError(formatFailure('SF_RENDER_CANCELED', 'the task was canceled before it started'));
    const started = performance.now();
    let usage: RenderUsage | undefined;
    try {
      const outputs = await backend.render(task, {
        signal: signal ?? new AbortController().signal,
        storage: this.#opts.storage,
        progress: (p) => job.updateProgress(p),
        reportUsage: (u) => { usage = u; },
      });
      // Canceled while the last step ran: the files it wrote belong to no row and never will, so they go now.
      if (signal?.aborted || await this.#isCanceled(job.id!)) {
        await Promise.all(outputs.flatMap((o) => [o.key, o.thumbKey]).filter((k): k is string => !!k)
          .map((k) => this.#opts.storage.delete(k).catch(() => undefined)));
        throw new CanceledAfterRender();
      }
      return { outputs, backend: backend.id, renderMs: Math.round(performance.now() - started), worker: this.name, ...(usage && { usage }) };
    } catch (e) {
      if (signal?.aborted || e instanceof CanceledAfterRender) throw new UnrecoverableError(formatFailure('SF_RENDER_CANCELED', 'canceled while rendering'));
      if (e instanceof TaskError) {
        const reason = formatFailure(e.code, e.message);
        throw e.retryable ? new Error(reason, { cause: e }) : new UnrecoverableError(reason);
      }
      // A storage fault (S3 5xx or throttling, a full folder) is named as such and retried with back-off.
      const storageFault = classifyStorageFault(e);
      if (storageFault) throw new Error(formatFailure(storageFault.code, storageFault.message), { cause: e });
      // Unknown failures may be transient: BullMQ retries them with back-off.
      throw new Error(formatFailure('SF_RENDER_FAILED', e instanceof Error ? e.message : String(e)), { cause: e });
    }
  }

  async #isCanceled(taskId: string): Promise<boolean> {
    return (await this.#connection!.exists(canceledTaskKey(this.#opts.prefix, taskId))) === 1;
  }

  /** Finish running tasks (unless `force`), then disconnect. */
  async close(force = false): Promise<void> {
    await this.#subscriber?.quit().catch(() => undefined);
    await this.#worker?.close(force);
    await this.#connection?.quit().catch(() => undefined);
    for (const backend of this.#opts.backends.values()) await backend.close();
  }
}
