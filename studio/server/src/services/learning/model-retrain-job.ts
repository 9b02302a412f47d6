import { Job, Queue, QueueEvents, UnrecoverableError, Worker } from 'bullmq';
import type { FastifyBaseLogger } from 'fastify';
import type { Redis } from 'ioredis';
import { formatFailure, newId, TrainResult, type ActiveModelPointer, type ModelComparison, type TrainRunView, type TrainTask } from '@shotfarm/shared';
import { createRedis, queueNames } from '@shotfarm/shared/queue';
import type { Storage } from '@shotfarm/shared/storage';
import type { AuditLog } from '../accounts/audit-log.ts';
import type { ModelRegistry } from '../scores/model-registry.ts';
import type { QualityLabels } from './quality-labels.ts';
import type { TrainingData } from './training-data.ts';

/** A retraining run as queued: by an admin (`requestedBy`) or by the schedule (null). */
export interface RetrainRun {
  name: string;
  holdoutDays: number;
  promote: boolean;
  requestedBy: string | null;
}

export interface RetrainOutcome {
  version: number;
  comparison: ModelComparison & { againstVersion: number };
  promoted: boolean;
}

/** A train task may wait for a free scorer host and then fit tens of thousands of rows. */
const trainTimeoutMs = 30 * 60 * 1000;
const schedulerId = 'model-retrain-schedule';
/** Share of false promotions one active version may suffer over all the candidates compared with it. */
const promotionAlpha = 0.05;

/**
 * Confidence of the k-th comparison with the same active version (k = 1 for the first candidate trained since it
 * went live). Retraining nightly compares a new candidate every night: at a fixed 95% a model that is no better
 * would sooner or later win one comparison by chance, and a promotion stays. So the k-th comparison spends
 * α/(k(k+1)) of the error budget (one-sided: a promotion needs the lower bounds above zero; α-spending, the shares
 * sum to α over any number of nights), and the chance that a
 * candidate no better than the active version is ever promoted over it stays within α however long the loop runs.
 * (At 1 − α/k, the sum grows with the log of the nights: `pnpm sim:loop` promoted a no-better model in 2 of 20
 * markets over 30 nights.) A real gain keeps growing with the data, so it still clears the rising bar. From the 32nd
 * look the bar stays at 99.99%, the finest the comparison's 2,000 bootstrap resamples resolve (every resample must
 * show a gain): the 5% holds over the first 31 looks, and each later one spends at most 0.005% more.
 */
export function comparisonConfidence(look: number): number {
  const k = Math.max(1, look);
  return Math.min(0.9999, 1 - (2 * promotionAlpha) / (k * (k + 1)));
}

/**
 * The learning loop's retraining, as a BullMQ job the manager runs (one at a time across replicas): export the
 * training rows to storage, hand a `train` task to a scorer host (which never opens the database), record the
 * candidate as a new model version, and promote it only when the paired comparison on the held-out days says it is
 * better. Runs on `POST /api/models/train` and, when `MODEL_RETRAIN_CRON` is set, on that schedule.
 */
export class ModelRetrainJob {
  readonly queue: Queue<RetrainRun, RetrainOutcome>;
  readonly #trainQueue: Queue<TrainTask, unknown>;
  readonly #connections: Redis[] = [];
  #worker: Worker<RetrainRun, RetrainOutcome> | undefined;
  #trainEvents: QueueEvents | undefined;

  constructor(private readonly deps: {
    redisUrl: string; prefix: string; storage: Storage; registry: ModelRegistry; trainingData: TrainingData; log: FastifyBaseLogger;
    audit: AuditLog; cron: string | undefined;
    /** Designers' labels and how many a quality head needs (`QUALITY_HEAD_MIN_LABELS`). */
    qualityLabels: QualityLabels; qualityHeadMinLabels: number;
  }) {
    const connection = this.#connection();
    this.queue = new Queue(queueNames.modelRetrain, { connection, prefix: deps.prefix });
    this.#trainQueue = new Queue(queueNames.train, { connection, prefix: deps.prefix });
  }

  async start(): Promise<void> {
    // One run at a time across every API replica: a run numbers its candidate `latest + 1`.
    await this.queue.setGlobalConcurrency(1);
    this.#trainEvents = new QueueEvents(queueNames.train, { connection: this.#connection(), prefix: this.deps.prefix });
    await this.#trainEvents.waitUntilReady();
    this.#worker = new Worker<RetrainRun, RetrainOutcome>(queueNames.modelRetrain, (job) => this.run(job.data, job), {
      connection: this.#connection(), prefix: this.deps.prefix, concurrency: 1, autorun: false,
      // A run waits on a scorer host for minutes: keep the lock alive meanwhile.
      lockDuration: 60_000,
    });
    this.#worker.on('failed', (job, err) => this.deps.log.warn({ err, jobId: job?.id }, 'model retraining failed'));
    this.#worker.on('error', (err) => this.deps.log.error({ err }, 'model retraining worker error'));
    void this.#worker.run();
    await this.#worker.waitUntilReady();
    if (this.deps.cron) {
      await this.queue.upsertJobScheduler(schedulerId, { pattern: this.deps.cron }, {
        name: 'retrain', data: { name: 'ctr', holdoutDays: 7, promote: true, requestedBy: null },
      });
    } else {
      await this.queue.removeJobScheduler(schedulerId); // off by default: a schedule set before is dropped
    }
  }

  /** Queue a run; answers the BullMQ job id. */
  async enqueue(run: RetrainRun): Promise<string> {
    const job = await this.queue.add('retrain', run, { removeOnComplete: { age: 7 * 86_400 }, removeOnFail: { age: 7 * 86_400 } });
    return job.id!;
  }

  /** Where a queued run stands (undefined when BullMQ no longer knows it). */
  async state(jobId: string): Promise<TrainRunView | undefined> {
    const job = await Job.fromId<RetrainRun, RetrainOutcome>(this.queue, jobId);
    if (!job) return undefined;
    const raw = await job.getState();
    const state = raw === 'completed' || raw === 'failed' || raw === 'active' ? raw : raw === 'unknown' ? 'unknown' : 'waiting';
    const outcome = job.returnvalue;
    return {
      jobId, state,
      outcome: state === 'completed' && outcome ? { version: outcome.version, promoted: outcome.promoted, decision: outcome.comparison.decision } : null,
      failedReason: job.failedReason ?? null,
    };
  }

  /** Wait for a queued run (tests, and a caller that wants the outcome). */
  async wait(jobId: string, timeoutMs = trainTimeoutMs): Promise<RetrainOutcome> {
    const events = new QueueEvents(queueNames.modelRetrain, { connection: this.#connection(), prefix: this.deps.prefix });
    try {
      await events.waitUntilReady();
      const job = await Job.fromId<RetrainRun, RetrainOutcome>(this.queue, jobId);
      if (!job) throw new Error(`retraining run ${jobId} is not known`);
      return await job.waitUntilFinished(events, timeoutMs);
    } finally {
      await events.close();
    }
  }

  /** One run: export, train on a scorer host, record, decide. */
  async run(run: RetrainRun, job?: Job): Promise<RetrainOutcome> {
    const { registry, storage, trainingData } = this.deps;
    const quality = run.name === 'quality';
    // The quality head reads the CTR model's features; its baseline is the active head, or the composite (none active).
    const active = await registry.activePointer(quality ? 'ctr' : run.name);
    if (!active) throw new Error(`no active ${quality ? 'ctr' : run.name} model to ${quality ? 'take the features of' : 'compare with'}`);
    const activeQuality: ActiveModelPointer | null = quality ? (await registry.activePointer('quality')) ?? null : null;
    let data: unknown;
    if (quality) {
      const labels = await this.deps.qualityLabels.labels();
      // Until there are enough labels nothing is trained: the transparent composite stays.
      if (labels.length < this.deps.qualityHeadMinLabels) {
        throw new UnrecoverableError(formatFailure('SF_MODEL_TRAINING_DATA_SHORT', `${labels.length} designer label(s) of scored outputs; a quality head needs ${this.deps.qualityHeadMinLabels} (QUALITY_HEAD_MIN_LABELS)`));
      }
      data = labels;
    } else {
      data = await trainingData.rows();
    }
    const version = (await registry.latestVersion(run.name)) + 1;
    const dataKey = `training/${run.name}-v${version}-${newId()}.json`;
    await storage.put(dataKey, Buffer.from(JSON.stringify(data)), { contentType: 'application/json' });
    try {
      const baselineVersion = quality ? (activeQuality?.version ?? 0) : active.version;
      const task: TrainTask = {
        name: run.name, version, dataKey, active, holdoutDays: run.holdoutDays, bootstrapSamples: 2000, confidence: comparisonConfidence(version - baselineVersion),
        // A few hundred verdicts against tens of thousands of impressions: the head's weights need a firmer pull to zero.
        ...(quality ? { kind: 'quality' as const, activeQuality, minLabels: this.deps.qualityHeadMinLabels, l2: 1e-2 } : { kind: 'ctr' as const, activeQuality: null, minLabels: this.deps.qualityHeadMinLabels, l2: 1e-4 }),
      };
      const trainJob = await this.#trainQueue.add('train', task, { jobId: `${run.name}-v${version}-${job?.id ?? newId()}`, attempts: 1, removeOnComplete: { age: 86_400 }, removeOnFail: { age: 86_400 } });
      const result = TrainResult.parse(await trainJob.waitUntilFinished(this.#trainEvents!, trainTimeoutMs));
      await registry.registerStored({ name: result.name, version: result.version, key: result.key, sha256: result.sha256, metadata: result.metadata });
      const promoted = run.promote && result.comparison.decision === 'better';
      if (promoted) {
        await registry.activate(run.name, version, run.requestedBy);
        // An automatic switch of what every scorer serves is audited like an admin's: who asked (null: the schedule),
        // from and to which version, and the evidence it rested on.
        const c = result.comparison;
        await this.deps.audit.record({
          action: 'model.promote', caller: null, actorId: run.requestedBy, target: { type: 'model', id: `${run.name}-v${version}` },
          details: {
            from: quality ? (activeQuality ? `${activeQuality.name}-v${activeQuality.version}` : 'quality-composite') : `${active.name}-v${active.version}`, to: `${run.name}-v${version}`, trigger: run.requestedBy ? 'train-request' : 'schedule', jobId: job?.id ?? null,
            decision: c.decision, aucGain: c.aucGain, aucGainCi95: c.aucGainCi95, logLossGain: c.logLossGain, logLossGainCi95: c.logLossGainCi95,
            products: c.products, impressions: c.impressions,
          },
        });
      }
      this.deps.log.info({ version, decision: result.comparison.decision, promoted }, 'model retrained');
      return { version, comparison: result.comparison, promoted };
    } finally {
      await storage.delete(dataKey).catch(() => undefined);
    }
  }

  /**
   * Stop without waiting for a running retrain: it may be waiting on a scorer host for minutes. Its job's lock
   * lapses and BullMQ hands it to another replica (stalled-job recovery), which runs it again from the start.
   */
  async close(): Promise<void> {
    await this.#worker?.close(true);
    await this.#trainEvents?.close();
    await this.queue.close();
    await this.#trainQueue.close();
    for (const c of this.#connections) await c.quit().catch(() => undefined);
  }

  #connection(): Redis {
    const c = createRedis(this.deps.redisUrl);
    this.#connections.push(c);
    return c;
  }
}
