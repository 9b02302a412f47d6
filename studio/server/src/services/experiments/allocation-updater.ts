import type { Redis } from 'ioredis';
import type { FastifyBaseLogger } from 'fastify';
import { and, eq } from 'drizzle-orm';
import { allocate, decide, posterior, srmPValue } from '@shotfarm/shared/bandit';
import { tables, type Db } from '@shotfarm/shared/db';
import type { CounterFlusher } from './counter-flusher.ts';
import type { ExperimentKeys } from './experiment-keys.ts';
import type { ExperimentStore } from './experiment-store.ts';
import type { ServingState } from './serving-state.ts';
import type { SlotPublisher } from './slot-publisher.ts';

/** A new period starts only when some weight moves by more than this; smaller moves are Monte Carlo noise. */
const minWeightChange = 0.005;

/** A stable 32-bit seed from the experiment and period, so every replica and every retry draws the same P(best). */
function seedOf(id: string, period: number): number {
  let h = 2166136261;
  for (const ch of `${id}:${period}`) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
  return h;
}

/**
 * On a cadence (EXPERIMENT_UPDATE_S), never per request: flush counters to Postgres, recompute each running
 * experiment's posterior, P(best), weights (floor, burn-in), SRM and decision, store the new period, publish the
 * slot, and promote or stop when the experiment says so. One replica does it per round (a Redis lock); every replica
 * refreshes its serving state from Redis each round.
 */
export class AllocationUpdater {
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;

  constructor(private readonly deps: {
    db: Db; redis: Redis; keys: ExperimentKeys; store: ExperimentStore; flusher: CounterFlusher; serving: ServingState;
    publisher: SlotPublisher; log: FastifyBaseLogger; updateS: number;
  }) {}

  start(): void {
    this.#timer = setInterval(() => { void this.tick(); }, this.deps.updateS * 1000);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }

  private async tick(): Promise<void> {
    if (this.#running) return;
    this.#running = this.runOnce().then(() => undefined, (err: unknown) => this.deps.log.error({ err }, 'experiment update failed')).finally(() => { this.#running = undefined; });
    await this.#running;
  }

  /** One round, as the timer runs it (tests call it directly). Returns false when another replica holds the lock. */
  async runOnce(): Promise<boolean> {
    const { redis, keys } = this.deps;
    const token = String(Math.random());
    const lockMs = Math.max(5000, this.deps.updateS * 1000);
    const locked = await redis.set(keys.updateLock, token, 'PX', lockMs, 'NX');
    try {
      if (locked) {
        await this.deps.flusher.finishPending();
        for (const id of await this.deps.store.runningIds()) await this.updateExperiment(id);
      }
      await this.deps.serving.reloadAll();
    } finally {
      if (locked) await redis.eval("if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0", 1, keys.updateLock, token);
    }
    return locked === 'OK';
  }

  /** Flush, then recompute one experiment. */
  async updateExperiment(id: string, now = new Date()): Promise<void> {
    const { db, store } = this.deps;
    await this.deps.flusher.flush(id);
    const row = await store.row(id);
    if (row.status !== 'running') return;
    const { arms, totals, periods } = await store.tally(id);
    const alloc = allocate(arms.map((a, i) => ({
      posterior: posterior({ alpha: a.priorAlpha, beta: a.priorBeta }, totals[i]!.impressions, totals[i]!.clicks), impressions: totals[i]!.impressions,
    })), { policy: row.policy, fixedWeights: row.fixedWeights ?? undefined, seed: seedOf(id, row.period) });
    const srm = srmPValue(periods);
    const runtimeS = (now.getTime() - row.createdAt.getTime()) / 1000;
    const decision = decide({ arms: arms.map((_, i) => ({ ...totals[i]!, pBest: alloc.pBest[i]! })), runtimeS, srmPValue: srm.pValue, guardrails: row.guardrails });

    const current = arms.map((a) => a.weight);
    const moved = alloc.weights.some((w, i) => Math.abs(w - current[i]!) > minWeightChange);
    await db.transaction(async (tx) => {
      for (const [i, a] of arms.entries()) {
        await tx.update(tables.experimentArms).set({ pBest: alloc.pBest[i]!, weight: moved ? alloc.weights[i]! : a.weight })
          .where(and(eq(tables.experimentArms.experimentId, id), eq(tables.experimentArms.position, a.position)));
      }
      if (moved) {
        const period = row.period + 1;
        await tx.insert(tables.experimentPeriods).values({ experimentId: id, period, weights: alloc.weights, pBest: alloc.pBest, startedAt: now });
        await tx.update(tables.experiments).set({ period }).where(eq(tables.experiments.id, id));
      } else {
        await tx.update(tables.experimentPeriods).set({ pBest: alloc.pBest })
          .where(and(eq(tables.experimentPeriods.experimentId, id), eq(tables.experimentPeriods.period, row.period)));
      }
      await tx.update(tables.experiments).set({ decisionState: decision.state, decisionReason: decision.reason, srmPValue: srm.pValue }).where(eq(tables.experiments.id, id));
    });
    if (decision.state === 'srm') this.deps.log.warn({ experimentId: id, srmPValue: srm.pValue }, 'sample ratio mismatch: the experiment is blocked');
    if (decision.state === 'ready' && row.autoPromote) {
      await store.promote(id, arms[decision.leader]!.assetId, null);
      this.deps.log.info({ experimentId: id, assetId: arms[decision.leader]!.assetId }, 'experiment promoted its winner');
      return;
    }
    if (decision.reason === 'max-runtime') {
      await store.stop(id, 'max-runtime');
      return;
    }
    if (moved) await this.deps.publisher.publish(row.sku, row.slot);
  }
}
