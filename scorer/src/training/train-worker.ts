import { hostname } from 'node:os';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { formatFailure, QualityLabelsFile, TaskError, TrainingRowsFile, TrainTask, type TrainResult } from '@shotfarm/shared';
import { createRedis, queueNames } from '@shotfarm/shared/queue';
import { storageKeys, type Storage } from '@shotfarm/shared/storage';
import { importCtrOnnx } from '../ctr/onnx-import.ts';
import { retrainCtr } from './retrain-ctr.ts';
import { qualityHeadFeatureNames, retrainQuality } from './retrain-quality.ts';

export interface TrainWorkerOptions {
  redisUrl: string;
  prefix: string;
  storage: Storage;
  name?: string;
}

/**
 * Consumes the `train` queue (issue 17): reads the exported rows (clicks, or designers' labels for the quality head)
 * and the active model's ONNX from storage, retrains,
 * writes the candidate's ONNX to storage and returns its metadata and the paired comparison for the manager to
 * record. One task at a time: training is CPU-bound and rare. Like the score worker it never opens the database.
 */
export class TrainWorker {
  readonly name: string;
  #worker: Worker<unknown, TrainResult> | undefined;
  #connection: Redis | undefined;

  constructor(private readonly opts: TrainWorkerOptions) {
    this.name = opts.name ?? `${hostname()}:${process.pid}`;
  }

  async start(): Promise<void> {
    this.#connection = createRedis(this.opts.redisUrl);
    this.#worker = new Worker<unknown, TrainResult>(queueNames.train, (job) => this.#process(job), {
      connection: this.#connection, prefix: this.opts.prefix, concurrency: 1, autorun: false, name: this.name,
    });
    this.#worker.on('error', (e) => console.error(`[trainer ${this.name}]`, e.message));
    void this.#worker.run();
    await this.#worker.waitUntilReady();
  }

  async #process(job: Job<unknown, TrainResult>): Promise<TrainResult> {
    const parsed = TrainTask.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError(formatFailure('SF_REQUEST_INVALID', parsed.error.message));
    const task = parsed.data;
    try {
      const data: unknown = JSON.parse((await this.opts.storage.get(task.dataKey)).toString('utf8'));
      const active = importCtrOnnx(await this.opts.storage.get(task.active.key));
      const out = task.kind === 'quality'
        // The quality head reads the CTR model's and the composite's features; it is compared with the active head or the composite.
        ? retrainQuality({
          name: task.name, version: task.version, labels: QualityLabelsFile.parse(data), minLabels: task.minLabels, featureNames: qualityHeadFeatureNames(active.featureNames),
          activeQuality: task.activeQuality ? importCtrOnnx(await this.opts.storage.get(task.activeQuality.key)) : null,
          l2: task.l2, bootstrapSamples: task.bootstrapSamples, confidence: task.confidence,
        })
        : retrainCtr({ name: task.name, version: task.version, rows: TrainingRowsFile.parse(data), active, holdoutDays: task.holdoutDays, l2: task.l2, bootstrapSamples: task.bootstrapSamples, confidence: task.confidence });
      const key = storageKeys.model(task.name, task.version);
      await this.opts.storage.put(key, Buffer.from(out.onnx), { contentType: 'application/octet-stream' });
      return { name: task.name, version: task.version, key, sha256: out.sha256, metadata: out.metadata, comparison: out.comparison };
    } catch (e) {
      if (e instanceof TaskError) throw new UnrecoverableError(formatFailure(e.code, e.message));
      throw new UnrecoverableError(formatFailure('SF_INTERNAL', e instanceof Error ? e.message : String(e)));
    }
  }

  async close(force = false): Promise<void> {
    await this.#worker?.close(force);
    await this.#connection?.quit().catch(() => undefined);
  }
}
