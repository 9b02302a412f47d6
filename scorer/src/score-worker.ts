import { hostname } from 'node:os';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { formatFailure, ScoreTask, TaskError, type ScoreResult } from '@shotfarm/shared';
import { createRedis, queueNames } from '@shotfarm/shared/queue';
import type { Storage } from '@shotfarm/shared/storage';
import { silentLogger, type Logger } from '@shotfarm/shared/log';
import { ImageScorer } from './image-scorer.ts';

export interface ScoreWorkerOptions {
  redisUrl: string;
  /** BullMQ key prefix shared with the manager. */
  prefix: string;
  storage: Storage;
  /** Images scored at once in this process. @defaultValue 1 */
  concurrency?: number;
  /** Shown in logs. @defaultValue `<hostname>:<pid>` */
  name?: string;
  /** Structured log; each score's lines carry its `assetId` and queue job id. @defaultValue silent */
  log?: Logger;
}

/**
 * Consumes the `score` queue on a CPU host. Like a render worker it needs only Redis and storage:
 * the image comes from storage, the active CTR model from the pointer the manager publishes in Redis,
 * and the score goes back as the BullMQ job's return value for the manager to record.
 */
export class ScoreWorker {
  readonly name: string;
  #worker: Worker<unknown, ScoreResult> | undefined;
  #connection: Redis | undefined;
  #scorer: ImageScorer | undefined;
  readonly #log: Logger;

  constructor(private readonly opts: ScoreWorkerOptions) {
    this.name = opts.name ?? `${hostname()}:${process.pid}`;
    this.#log = (opts.log ?? silentLogger()).child({ worker: this.name });
  }

  async start(): Promise<void> {
    this.#connection = createRedis(this.opts.redisUrl);
    this.#scorer = await ImageScorer.create({ redis: this.#connection, prefix: this.opts.prefix, storage: this.opts.storage });
    this.#worker = new Worker<unknown, ScoreResult>(queueNames.score, (job) => this.#processLogged(job), {
      connection: this.#connection, prefix: this.opts.prefix, concurrency: this.opts.concurrency ?? 1, autorun: false, name: this.name,
    });
    this.#worker.on('error', (e) => console.error(`[scorer ${this.name}]`, e.message));
    void this.#worker.run();
    await this.#worker.waitUntilReady();
  }

  /** `#process`, with a line when a score ends or fails, carrying the asset's id and the queue job's. */
  async #processLogged(job: Job<unknown, ScoreResult>): Promise<ScoreResult> {
    const data = job.data as { assetId?: unknown } | undefined;
    const log = this.#log.child({ assetId: typeof data?.assetId === 'string' ? data.assetId : undefined, scoreJobId: job.id });
    try {
      const result = await this.#process(job);
      log.info({ scoreMs: result.scoreMs }, 'score finished');
      return result;
    } catch (e) {
      log.warn({ reason: (e as Error).message, final: e instanceof UnrecoverableError }, 'score failed');
      throw e;
    }
  }

  async #process(job: Job<unknown, ScoreResult>): Promise<ScoreResult> {
    const parsed = ScoreTask.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError(formatFailure('SF_SCORE_TASK_INVALID', parsed.error.message));
    const task = parsed.data;
    const started = performance.now();
    try {
      const image = await this.opts.storage.get(task.key);
      const source = task.sourceKey ? await this.opts.storage.get(task.sourceKey) : undefined;
      const score = await this.#scorer!.score(image, { source });
      return { assetId: task.assetId, score, scoreMs: Math.round(performance.now() - started) };
    } catch (e) {
      const code = (e as { code?: unknown }).code;
      if (e instanceof TaskError) {
        const reason = formatFailure(e.code, e.message);
        throw e.retryable ? new Error(reason, { cause: e }) : new UnrecoverableError(reason);
      }
      if (typeof code === 'string' && code.startsWith('SF_SCORE_')) throw new UnrecoverableError(formatFailure(code as 'SF_SCORE_FAILED', (e as Error).message));
      throw new Error(formatFailure('SF_SCORE_FAILED', e instanceof Error ? e.message : String(e)), { cause: e });
    }
  }

  /** Stop taking new scores (running ones finish); `resume` starts again. */
  async pause(): Promise<void> {
    await this.#worker?.pause();
  }

  resume(): void {
    this.#worker?.resume();
  }

  /** Finish running scores (unless `force`), then disconnect. */
  async close(force = false): Promise<void> {
    await this.#worker?.close(force);
    await this.#scorer?.close();
    await this.#connection?.quit().catch(() => undefined);
  }
}
