import { and, asc, count, desc, eq, inArray, ne, sql, type SQL } from 'drizzle-orm';
import {
  newId, type CreateExperiment, type DecisionReason, type DecisionState, type ExperimentCreated, type ExperimentGuardrails,
  type ExperimentPeriod, type ExperimentSummary, type ExperimentView, type ExperimentStatus,
} from '@shotfarm/shared';
import { fitPriorStrength, posterior, relativeCtr, scorerPrior, srmPValue, wilsonInterval, type FinishedArm } from '@shotfarm/shared/bandit';
import { tables, type Db } from '@shotfarm/shared/db';
import type { Storage } from '@shotfarm/shared/storage';
import { ExperimentInvalidError, ExperimentNotFoundError, ExperimentNotRunningError, ExperimentSlotBusyError } from '../../errors.ts';
import type { LivePointers } from './live-pointers.ts';
import type { SlotPublisher } from './slot-publisher.ts';

/** Guardrails of an experiment created without any. */
export const defaultGuardrails: ExperimentGuardrails = { minImpressionsPerArm: 1000, minClicksPerArm: 20, minRuntimeS: 86400, maxRuntimeS: 30 * 86400 };

/** The CTR model whose scores give the priors. */
const ctrModelName = 'ctr';

type ExperimentRow = typeof tables.experiments.$inferSelect;
type ArmRow = typeof tables.experimentArms.$inferSelect;

/** An experiment's counts, per arm in total and per period: what allocation, SRM and the view all read. */
export interface ExperimentTally {
  arms: ArmRow[];
  totals: { assignments: number; impressions: number; clicks: number }[];
  periods: ExperimentPeriod[];
}

/** Experiments in the database: creation with the scorer's priors, the view, stop and promotion. */
export class ExperimentStore {
  constructor(private readonly db: Db, private readonly storage: Storage, private readonly publisher: SlotPublisher, private readonly live: LivePointers) {}

  async create(input: CreateExperiment, createdBy: string | null): Promise<ExperimentCreated> {
    const { sku, slot } = input;
    if (new Set(input.arms).size !== input.arms.length) throw new ExperimentInvalidError('an image appears twice among the arms');
    if (input.policy === 'fixed' && input.fixedWeights?.length !== input.arms.length) {
      throw new ExperimentInvalidError(`a fixed policy needs one weight per arm (${input.arms.length})`);
    }
    if (input.policy !== 'fixed' && input.fixedWeights) throw new ExperimentInvalidError('fixedWeights are only for the fixed policy');
    const [busy] = await this.db.select({ id: tables.experiments.id }).from(tables.experiments)
      .where(and(eq(tables.experiments.sku, sku), eq(tables.experiments.slot, slot), eq(tables.experiments.status, 'running')));
    if (busy) throw new ExperimentSlotBusyError(busy.id, sku, slot);

    const [pointer] = await this.db.select({ assetId: tables.slotPointers.assetId }).from(tables.slotPointers)
      .where(and(eq(tables.slotPointers.sku, sku), eq(tables.slotPointers.slot, slot)));
    const control = pointer && !input.arms.includes(pointer.assetId) ? pointer.assetId : undefined;
    const assetIds = control ? [control, ...input.arms] : [...input.arms];
    if (assetIds.length < 2) throw new ExperimentInvalidError('an experiment needs at least 2 arms (the live image counts as one)');
    if (assetIds.length > 16) throw new ExperimentInvalidError('an experiment has at most 16 arms (the live image counts as one)');
    const found = await this.db.select({ id: tables.assets.id, mime: tables.assets.mime }).from(tables.assets).where(inArray(tables.assets.id, assetIds));
    const images = new Set(found.filter((a) => a.mime.startsWith('image/')).map((a) => a.id));
    const missing = assetIds.filter((id) => !images.has(id));
    if (missing.length > 0) throw new ExperimentInvalidError(`not stored images: ${missing.join(', ')}`);

    // Priors: the scorer's newest CTR per arm, rescaled to the product's baseline, with m from finished experiments.
    const predicted = await this.predictedCtrs(assetIds);
    const baseline = await this.baselineCtr(sku);
    const pHat = relativeCtr(assetIds.map((id) => predicted.get(id)), baseline);
    const fit = fitPriorStrength(await this.finishedArms());
    const priors = pHat.map((p) => scorerPrior(p, fit.strength));

    let weights: number[];
    if (input.policy === 'fixed') {
      const given = input.fixedWeights!;
      const withControl = control ? [given.reduce((a, b) => a + b, 0) / given.length, ...given] : [...given];
      const total = withControl.reduce((a, b) => a + b, 0);
      weights = withControl.map((w) => w / total);
    } else {
      weights = assetIds.map(() => 1 / assetIds.length);
    }
    const id = newId();
    const now = new Date();
    try {
      await this.db.transaction(async (tx) => {
        await tx.insert(tables.experiments).values({
          id, sku, slot, status: 'running', policy: input.policy, fixedWeights: input.policy === 'fixed' ? weights : null,
          autoPromote: input.autoPromote, guardrails: input.guardrails ?? defaultGuardrails, priorStrength: fit.strength,
          decisionState: 'collecting', decisionReason: 'min-impressions', srmPValue: 1, period: 0, createdBy, createdAt: now,
        });
        await tx.insert(tables.experimentArms).values(assetIds.map((assetId, position) => ({
          experimentId: id, position, assetId, control: assetId === control, predictedCtr: pHat[position] ?? null,
          priorAlpha: priors[position]!.alpha, priorBeta: priors[position]!.beta, weight: weights[position]!, pBest: 1 / assetIds.length,
        })));
        await tx.insert(tables.experimentPeriods).values({ experimentId: id, period: 0, weights, pBest: weights.map(() => 1 / weights.length), startedAt: now });
      });
    } catch (err) {
      // Two creations raced past the check: the partial unique index keeps one.
      if (String((err as { cause?: unknown }).cause ?? err).includes('experiments_running_slot_unique')) throw new ExperimentSlotBusyError('another', sku, slot);
      throw err;
    }
    await this.publisher.publish(sku, slot);
    return { id, status: 'running', arms: assetIds.map((assetId, i) => ({ assetId, prior: priors[i]!, weight: weights[i]! })) };
  }

  async row(id: string): Promise<ExperimentRow> {
    const [row] = await this.db.select().from(tables.experiments).where(eq(tables.experiments.id, id));
    if (!row) throw new ExperimentNotFoundError(id);
    return row;
  }

  /** Arms, total counts and per-period history from the database (flushed counts only). */
  async tally(id: string): Promise<ExperimentTally> {
    const arms = await this.db.select().from(tables.experimentArms).where(eq(tables.experimentArms.experimentId, id)).orderBy(asc(tables.experimentArms.position));
    const periods = await this.db.select().from(tables.experimentPeriods).where(eq(tables.experimentPeriods.experimentId, id)).orderBy(asc(tables.experimentPeriods.period));
    const counts = await this.db.select().from(tables.experimentCounts).where(eq(tables.experimentCounts.experimentId, id));
    const k = arms.length;
    const totals = arms.map(() => ({ assignments: 0, impressions: 0, clicks: 0 }));
    const byPeriod = new Map(periods.map((p) => [p.period, {
      period: p.period, startedAt: p.startedAt.toISOString(), weights: p.weights, pBest: p.pBest,
      assignments: new Array<number>(k).fill(0), impressions: new Array<number>(k).fill(0), clicks: new Array<number>(k).fill(0),
    }]));
    for (const c of counts) {
      const t = totals[c.position];
      if (!t) continue;
      t.assignments += c.assignments; t.impressions += c.impressions; t.clicks += c.clicks;
      const p = byPeriod.get(c.period);
      if (p) { p.assignments[c.position]! += c.assignments; p.impressions[c.position]! += c.impressions; p.clicks[c.position]! += c.clicks; }
    }
    return { arms, totals, periods: [...byPeriod.values()] };
  }

  async view(id: string): Promise<ExperimentView> {
    const row = await this.row(id);
    const { arms, totals, periods } = await this.tally(id);
    const srm = srmPValue(periods);
    const keys = new Map((await this.db.select({ id: tables.assets.id, key: tables.assets.key }).from(tables.assets)
      .where(inArray(tables.assets.id, arms.map((a) => a.assetId)))).map((a) => [a.id, a.key]));
    return {
      ...summary(row, arms),
      guardrails: row.guardrails,
      priorStrength: row.priorStrength,
      srmPValue: row.status === 'running' ? srm.pValue : row.srmPValue,
      promotedAssetId: row.promotedAssetId,
      arms: await Promise.all(arms.map(async (a, i) => {
        const t = totals[i]!;
        const prior = { alpha: a.priorAlpha, beta: a.priorBeta };
        const interval = wilsonInterval(t.clicks, t.impressions);
        const key = keys.get(a.assetId);
        return {
          assetId: a.assetId, control: a.control, predictedCtr: a.predictedCtr, impressions: t.impressions, clicks: t.clicks,
          ctr: { mean: t.impressions > 0 ? t.clicks / t.impressions : 0, ...interval },
          prior, posterior: posterior(prior, t.impressions, t.clicks), pBest: a.pBest, weight: a.weight,
          ...(key ? { url: await this.storage.signedUrl(key) } : {}),
        };
      })),
      weightsHistory: periods,
    };
  }

  async list(q: { status?: ExperimentStatus; sku?: string; limit: number; offset: number }): Promise<{ items: ExperimentSummary[]; total: number }> {
    const where: SQL[] = [];
    if (q.status) where.push(eq(tables.experiments.status, q.status));
    if (q.sku) where.push(eq(tables.experiments.sku, q.sku));
    const cond = where.length > 0 ? and(...where) : undefined;
    const rows = await this.db.select().from(tables.experiments).where(cond).orderBy(desc(tables.experiments.createdAt)).limit(q.limit).offset(q.offset);
    const [total] = await this.db.select({ n: count() }).from(tables.experiments).where(cond);
    const armCounts = rows.length === 0 ? [] : await this.db.select({ id: tables.experimentArms.experimentId, n: count() }).from(tables.experimentArms)
      .where(inArray(tables.experimentArms.experimentId, rows.map((r) => r.id))).groupBy(tables.experimentArms.experimentId);
    const leaders = rows.length === 0 ? [] : await this.db.select().from(tables.experimentArms).where(inArray(tables.experimentArms.experimentId, rows.map((r) => r.id)));
    return {
      items: rows.map((r) => ({ ...summary(r, leaders.filter((a) => a.experimentId === r.id)), armCount: armCounts.find((a) => a.id === r.id)?.n ?? 0 })),
      total: total?.n ?? 0,
    };
  }

  async setDecision(id: string, d: { state: DecisionState; reason: DecisionReason; srmPValue: number }): Promise<void> {
    await this.db.update(tables.experiments).set({ decisionState: d.state, decisionReason: d.reason, srmPValue: d.srmPValue }).where(eq(tables.experiments.id, id));
  }

  /** End a running experiment without moving the live pointer; the slot serves its live image again. */
  async stop(id: string, reason: DecisionReason = 'stopped'): Promise<ExperimentView> {
    const row = await this.row(id);
    if (row.status !== 'running') throw new ExperimentNotRunningError(id, row.status);
    await this.db.update(tables.experiments).set({ status: 'stopped', endedAt: new Date(), decisionReason: reason, ...(reason === 'stopped' ? { decisionState: 'collecting' as const } : {}) })
      .where(and(eq(tables.experiments.id, id), eq(tables.experiments.status, 'running')));
    await this.publisher.publish(row.sku, row.slot);
    return this.view(id);
  }

  /** End the experiment and make an arm (default: the leader by P(best)) the slot's live image. */
  async promote(id: string, assetId: string | undefined, createdBy: string | null): Promise<ExperimentView> {
    const row = await this.row(id);
    if (row.status !== 'running') throw new ExperimentNotRunningError(id, row.status);
    const arms = await this.db.select().from(tables.experimentArms).where(eq(tables.experimentArms.experimentId, id)).orderBy(asc(tables.experimentArms.position));
    const chosen = assetId ?? arms.reduce((best, a) => (a.pBest > best.pBest ? a : best), arms[0]!).assetId;
    if (!arms.some((a) => a.assetId === chosen)) throw new ExperimentInvalidError(`image ${chosen} is not an arm of experiment ${id}`);
    await this.db.transaction(async (tx) => {
      const ended = await tx.update(tables.experiments).set({ status: 'promoted', promotedAssetId: chosen, endedAt: new Date(), decisionState: 'promoted', decisionReason: 'promoted' })
        .where(and(eq(tables.experiments.id, id), eq(tables.experiments.status, 'running'))).returning({ id: tables.experiments.id });
      if (ended.length === 0) throw new ExperimentNotRunningError(id, 'ended meanwhile');
      await this.live.move(tx, { sku: row.sku, slot: row.slot, assetId: chosen, reason: 'experiment', experimentId: id, createdBy });
    });
    await this.publisher.publish(row.sku, row.slot);
    return this.view(id);
  }

  async runningIds(): Promise<string[]> {
    return (await this.db.select({ id: tables.experiments.id }).from(tables.experiments).where(eq(tables.experiments.status, 'running'))).map((r) => r.id);
  }

  /** The newest CTR score of each asset, when a CTR model is active (otherwise none: flat priors). */
  private async predictedCtrs(assetIds: string[]): Promise<Map<string, number>> {
    const [active] = await this.db.select({ id: tables.models.id }).from(tables.models).where(and(eq(tables.models.name, ctrModelName), eq(tables.models.active, true)));
    if (!active) return new Map();
    const rows = await this.db.selectDistinctOn([tables.scores.assetId], { assetId: tables.scores.assetId, ctr: tables.scores.ctr }).from(tables.scores)
      .where(inArray(tables.scores.assetId, assetIds)).orderBy(tables.scores.assetId, desc(tables.scores.createdAt));
    return new Map(rows.map((r) => [r.assetId, r.ctr]));
  }

  /** The product's observed CTR over its finished experiments, if any traffic was seen. */
  private async baselineCtr(sku: string): Promise<number | undefined> {
    const [row] = await this.db.select({ impressions: sql<string>`coalesce(sum(${tables.experimentCounts.impressions}), 0)`, clicks: sql<string>`coalesce(sum(${tables.experimentCounts.clicks}), 0)` })
      .from(tables.experimentCounts).innerJoin(tables.experiments, eq(tables.experiments.id, tables.experimentCounts.experimentId))
      .where(and(eq(tables.experiments.sku, sku), ne(tables.experiments.status, 'running')));
    const impressions = Number(row?.impressions ?? 0);
    return impressions >= 1000 ? Number(row!.clicks) / impressions : undefined;
  }

  /** Scored arms of finished experiments with their traffic: the data m is fitted on. */
  private async finishedArms(): Promise<FinishedArm[]> {
    const rows = await this.db.select({
      pHat: tables.experimentArms.predictedCtr,
      impressions: sql<string>`coalesce(sum(${tables.experimentCounts.impressions}), 0)`,
      clicks: sql<string>`coalesce(sum(${tables.experimentCounts.clicks}), 0)`,
    }).from(tables.experimentArms)
      .innerJoin(tables.experiments, eq(tables.experiments.id, tables.experimentArms.experimentId))
      .leftJoin(tables.experimentCounts, and(eq(tables.experimentCounts.experimentId, tables.experimentArms.experimentId), eq(tables.experimentCounts.position, tables.experimentArms.position)))
      .where(and(ne(tables.experiments.status, 'running'), sql`${tables.experimentArms.predictedCtr} is not null`))
      .groupBy(tables.experimentArms.experimentId, tables.experimentArms.position, tables.experimentArms.predictedCtr)
      .limit(20_000);
    return rows.map((r) => ({ pHat: r.pHat!, impressions: Number(r.impressions), clicks: Number(r.clicks) }));
  }
}

function summary(row: ExperimentRow, arms: readonly ArmRow[]): ExperimentSummary {
  const leader = arms.length === 0 ? null : arms.reduce((best, a) => (a.pBest > best.pBest ? a : best), arms[0]!);
  return {
    id: row.id, sku: row.sku, slot: row.slot, status: row.status, policy: row.policy, autoPromote: row.autoPromote,
    decision: { state: row.decisionState, reason: row.decisionReason, leaderAssetId: row.promotedAssetId ?? leader?.assetId ?? null },
    armCount: arms.length, createdAt: row.createdAt.toISOString(), endedAt: row.endedAt?.toISOString() ?? null,
  };
}
