import { Job } from 'bullmq';
import { and, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import { newId, ScoreResult, type ImageScore, type ScoreTask } from '@shotfarm/shared';
import { tables, type Db } from '@shotfarm/shared/db';
import { keepCompletedJobs, keepFailedJobs } from '@shotfarm/shared/queue';
import type { FarmQueues } from '../../plugins/queue.ts';

/**
 * The manager's half of scoring: enqueue a score task for every stored image, record what scorer
 * workers report. Like render tasks, the database is the truth and enqueueing is idempotent (the
 * BullMQ job id is the asset id), so the reconciler may call `enqueue` for anything still unscored.
 */
export class ScoreLedger {
  constructor(private readonly db: Db, private readonly queues: FarmQueues, private readonly opts: { attempts: number; backoffMs: number }) {}

  async enqueue(task: ScoreTask): Promise<void> {
    await this.queues.score.add('score', task, {
      jobId: task.assetId, attempts: this.opts.attempts, backoff: { type: 'exponential', delay: this.opts.backoffMs },
      removeOnComplete: keepCompletedJobs, removeOnFail: keepFailedJobs,
    });
  }

  /** Score stored images: outputs against their job's product photo (for fidelity), uploads on their own. */
  async enqueueMissing(assetIds: string[]): Promise<void> {
    if (assetIds.length === 0) return;
    const rows = await this.db.select({ id: tables.assets.id, key: tables.assets.key, inputs: tables.jobs.inputs })
      .from(tables.assets).leftJoin(tables.jobs, eq(tables.assets.jobId, tables.jobs.id))
      // The scorer reads images only; a video output (short-video jobs) would just fail its score task.
      .where(and(inArray(tables.assets.id, assetIds), sql`${tables.assets.mime} like 'image/%'`));
    const productIds = rows.map((r) => r.inputs?.product).filter((id): id is string => id !== undefined);
    const products = productIds.length === 0 ? [] : await this.db.select({ id: tables.assets.id, key: tables.assets.key }).from(tables.assets).where(inArray(tables.assets.id, productIds));
    const keyOf = new Map(products.map((p) => [p.id, p.key]));
    for (const r of rows) {
      const sourceKey = r.inputs?.product ? keyOf.get(r.inputs.product) : undefined;
      await this.enqueue({ assetId: r.id, key: r.key, ...(sourceKey ? { sourceKey } : {}) });
    }
  }

  /** Store a worker's result; a second report of the same asset and model version adds nothing. */
  async record(raw: unknown): Promise<boolean> {
    const parsed = ScoreResult.safeParse(raw);
    if (!parsed.success) return false;
    const { assetId, score, scoreMs } = parsed.data;
    const inserted = await this.db.insert(tables.scores).values({
      id: newId(), assetId, modelVersion: score.ctr.modelVersion, quality: score.quality.score, ctr: score.ctr.predicted,
      phash: score.phash, gatesPassed: Object.entries(score.gate).filter(([, g]) => g.pass).map(([id]) => id), result: score, scoreMs,
    }).onConflictDoNothing().returning({ id: tables.scores.id });
    return inserted.length > 0;
  }

  /**
   * Record a score job BullMQ holds as completed; `open` when it has not finished. Once recorded, the job is removed:
   * the score is in the database, and a kept job would make Redis grow with every image scored.
   */
  async recordFinished(job: Job): Promise<'recorded' | 'failed' | 'open'> {
    const state = await job.getState();
    if (state === 'completed') {
      await this.record(job.returnvalue);
      await job.remove().catch(() => undefined);
      return 'recorded';
    }
    return state === 'failed' ? 'failed' : 'open';
  }

  /** The newest score of an asset, or `undefined` while it is pending. */
  async latest(assetId: string): Promise<ImageScore | undefined> {
    const [row] = await this.db.select({ result: tables.scores.result }).from(tables.scores)
      .where(eq(tables.scores.assetId, assetId)).orderBy(desc(tables.scores.createdAt)).limit(1);
    return row?.result;
  }

  /** Assets with no score at all (the reconciler's list), oldest first, in batches; `among`: only these assets. */
  async unscored(limit = 200, among?: readonly string[]): Promise<{ id: string; key: string; jobId: string | null }[]> {
    return this.db.select({ id: tables.assets.id, key: tables.assets.key, jobId: tables.assets.jobId }).from(tables.assets)
      .leftJoin(tables.scores, eq(tables.scores.assetId, tables.assets.id))
      .where(and(isNull(tables.scores.id), sql`${tables.assets.mime} like 'image/%'`, among ? inArray(tables.assets.id, [...among]) : undefined))
      .orderBy(tables.assets.id).limit(limit);
  }

  async findJob(assetId: string): Promise<Job | undefined> {
    return Job.fromId(this.queues.score, assetId);
  }
}
