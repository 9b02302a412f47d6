import { and, asc, eq } from 'drizzle-orm';
import { tables, type Db } from '@shotfarm/shared/db';
import { LaunchPickExperimentLiveError, withDetails } from '../../errors.ts';

type SkuRow = typeof tables.launchSkus.$inferSelect;

export interface LaunchExperimentDeps {
  db: Db;
  /** Start an A/B experiment on a SKU's main slot with `arms` (a live image joins as the control); answers its id. */
  start: (e: { launchId: string; sku: string; arms: string[]; createdBy: string | null }) => Promise<string>;
  /** Stop a running experiment (the slot serves its live image again); `by`: who asked (null: the launch itself). */
  stop: (experimentId: string, by: string | null) => Promise<void>;
  /** Impressions an experiment has counted so far, the ones still in Redis included. */
  impressions: (experimentId: string) => Promise<number>;
  log: { info: (o: object, msg: string) => void; warn: (o: object, msg: string) => void };
}

/**
 * The A/B experiment a launch starts on a SKU's main slot with its picks (plan.experiment). The SKU row says where it
 * stands: `due` (committed with the picks that call for one, or with a person's swap that replaces it), `started`
 * (`experimentId`), `failed` (refused). Starting is idempotent, so the runner's resume path, the pass that closed the
 * SKU and a pick swap may all try: exactly one experiment results.
 */
export class LaunchExperiments {
  constructor(private readonly deps: LaunchExperimentDeps) {}

  /** The SKU's main picks, in rank order: the arms. */
  async #mainPicks(skuId: string): Promise<string[]> {
    return (await this.deps.db.select({ assetId: tables.launchPicks.assetId }).from(tables.launchPicks)
      .where(and(eq(tables.launchPicks.skuId, skuId), eq(tables.launchPicks.slot, 'main'))).orderBy(asc(tables.launchPicks.rank))).map((p) => p.assetId);
  }

  /** The running experiment on the SKU's main slot, with its arms besides a control. */
  async #running(sku: string): Promise<{ id: string; arms: string[] } | undefined> {
    const { db } = this.deps;
    const [running] = await db.select({ id: tables.experiments.id }).from(tables.experiments)
      .where(and(eq(tables.experiments.sku, sku), eq(tables.experiments.slot, 'main'), eq(tables.experiments.status, 'running')));
    if (!running) return undefined;
    const arms = (await db.select({ assetId: tables.experimentArms.assetId }).from(tables.experimentArms)
      .where(and(eq(tables.experimentArms.experimentId, running.id), eq(tables.experimentArms.control, false)))
      .orderBy(asc(tables.experimentArms.position))).map((a) => a.assetId);
    return { id: running.id, arms };
  }

  /**
   * Start the experiment of a SKU whose state is `due`, with its main picks as they are now. A running experiment on
   * the slot with exactly these arms is one a crash left between its creation and the `started` mark: it is adopted,
   * never started twice. A running one that is the SKU's own earlier experiment with other arms is the one a pick swap
   * replaces (accepted only while it had no impressions): it is stopped first. A refusal (4xx: the slot runs someone
   * else's experiment, an arm is gone) is recorded as `failed`; anything else leaves it due for the next try.
   */
  async startDue(launch: { id: string; createdBy: string | null }, skuId: string): Promise<void> {
    const { db, log } = this.deps;
    const [sku] = await db.select().from(tables.launchSkus).where(eq(tables.launchSkus.id, skuId));
    if (!sku || sku.experimentState !== 'due') return;
    const mark = (set: { experimentState: 'started' | 'failed'; experimentId?: string; experimentError?: string }) => db.update(tables.launchSkus)
      .set({ ...set, updatedAt: new Date() }).where(and(eq(tables.launchSkus.id, sku.id), eq(tables.launchSkus.experimentState, 'due')));
    try {
      const arms = await this.#mainPicks(sku.id);
      let running = await this.#running(sku.sku);
      if (running && !sameArms(running.arms, arms) && running.id === sku.experimentId) {
        await this.deps.stop(running.id, null);
        running = undefined;
      }
      const adopted = running && sameArms(running.arms, arms) ? running.id : undefined;
      const experimentId = adopted ?? await this.deps.start({ launchId: launch.id, sku: sku.sku, arms, createdBy: launch.createdBy });
      await mark({ experimentState: 'started', experimentId });
      log.info({ launchId: launch.id, sku: sku.sku, experimentId, adopted: adopted !== undefined },
        adopted ? 'launch experiment adopted (it was started before a restart)' : 'launch experiment started');
    } catch (e) {
      const err = e as { code?: string; statusCode?: number; message?: string };
      // Two starts raced (the runner's pass and a pick swap's request): the one that won made exactly this experiment.
      if (err.code === 'SF_EXPERIMENT_SLOT_BUSY') {
        const winner = await this.#running(sku.sku).catch(() => undefined);
        const arms = winner ? await this.#mainPicks(sku.id) : [];
        if (winner && sameArms(winner.arms, arms)) { await mark({ experimentState: 'started', experimentId: winner.id }); return; }
      }
      log.warn({ err, launchId: launch.id, sku: sku.sku }, 'starting the launch experiment failed');
      if (err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500) {
        await mark({ experimentState: 'failed', experimentError: `${err.code ?? 'SF_INTERNAL'}: ${err.message ?? ''}`.slice(0, 500) });
      }
    }
  }

  /**
   * A person replaces a SKU's picks of `slot` with `assetIds`. When they are the main picks and the launch's experiment
   * runs on them, the swap must not leave it testing images nobody picked any more: with no impression counted yet the
   * experiment is replaced (answers `replace`: the caller commits the picks with the state `due`, then calls `startDue`),
   * after the first impression the swap is refused (409 SF_LAUNCH_PICK_EXPERIMENT_LIVE: stop the experiment first).
   */
  async checkSwap(sku: SkuRow, slot: string, assetIds: readonly string[]): Promise<'none' | 'replace'> {
    if (slot !== 'main' || sku.experimentState !== 'started' || !sku.experimentId) return 'none';
    const [experiment] = await this.deps.db.select({ status: tables.experiments.status }).from(tables.experiments).where(eq(tables.experiments.id, sku.experimentId));
    if (experiment?.status !== 'running') return 'none';
    const running = await this.#running(sku.sku);
    if (running?.id === sku.experimentId && sameArms(running.arms, [...assetIds])) return 'none';
    const impressions = await this.deps.impressions(sku.experimentId);
    if (impressions > 0) throw withDetails(new LaunchPickExperimentLiveError(sku.sku, sku.experimentId, impressions), { experimentId: sku.experimentId, impressions });
    return 'replace';
  }
}

function sameArms(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((id) => b.includes(id));
}
