import { randomUUID } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { and, asc, desc, eq, inArray, or, sql } from 'drizzle-orm';
import {
  launchSlotOf, newId, terminalJobStatuses, type GateResult, type ImageScore, type JobStatus, type LaunchPhotoRef, type LaunchSkuStatus,
} from '@shotfarm/shared';
import { tables, type Db } from '@shotfarm/shared/db';
import type { Recipe } from '@shotfarm/workflows';
import type { UploadIngest } from '../assets/upload-ingest.ts';
import type { JobSubmission } from '../jobs/job-submission.ts';
import { pickForSku, type PickCandidate } from './auto-pick.ts';
import type { LaunchExperiments } from './launch-experiments.ts';
import type { LaunchLeases } from './launch-lease.ts';
import { fetchPhotoUrl, type PhotoFetchOptions } from './photo-url-fetch.ts';
import { skuJobInputs } from './recipe-inputs.ts';

type LaunchRow = typeof tables.launches.$inferSelect;
type SkuRow = typeof tables.launchSkus.$inferSelect;

export interface LaunchRunnerDeps {
  db: Db;
  submission: Pick<JobSubmission, 'submit'>;
  recipes: ReadonlyMap<string, Recipe>;
  uploads: Pick<UploadIngest, 'ingest'>;
  fetch: PhotoFetchOptions;
  /** SKUs of one launch in the farm at once. */
  maxInFlight: number;
  pollMs: number;
  spoolDir: string;
  cancelJob: (jobId: string) => Promise<void>;
  /** Which replica advances which launch (a Redis lease per launch): two API replicas never fan one launch out twice. */
  leases: LaunchLeases;
  /** Starts the A/B experiment of a SKU whose picks call for one (plan.experiment), idempotently. */
  experiments?: Pick<LaunchExperiments, 'startDue'>;
  log: { info: (o: object, msg: string) => void; error: (o: object, msg: string) => void; warn: (o: object, msg: string) => void };
}

/** A SKU whose renders finished this long ago but whose images the scorer has not scored is picked from what is scored. */
const scoreWaitMs = 5 * 60_000;

/**
 * Advances launches, one pass every `pollMs`: closes SKUs whose jobs have ended (auto-pick), then submits waiting SKUs
 * while fewer than `maxInFlight` of the launch are in the farm (back-pressure: a 10,000-SKU launch holds at most
 * maxInFlight × tasks-per-SKU tasks in Redis). Everything it knows is in the database, so a restarted API simply
 * carries on: a SKU's job ids are committed before any job is submitted, and a job that exists is never submitted again.
 * With several API replicas, a launch is advanced only by the replica holding its lease; the others skip it until the
 * lease is released or expires (its holder died), then take it over from the database.
 */
export class LaunchRunner {
  #timer: NodeJS.Timeout | undefined;
  #pass: Promise<void> | undefined;
  /** The pass running or last run: passes never overlap within a replica (a second would submit a claimed SKU again). */
  #chain: Promise<void> = Promise.resolve();
  #again = false;
  #stopped = false;

  constructor(private readonly deps: LaunchRunnerDeps) {}

  start(): void {
    this.#stopped = false;
    this.deps.leases.start();
    this.#timer = setInterval(() => this.poke(), this.deps.pollMs);
    this.#timer.unref();
    this.poke();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#timer);
    await this.#pass;
    await this.#chain;
    await this.deps.leases.stop();
  }

  /** Run a pass now (a launch was created, a job ended); a pass in flight is followed by one more. */
  poke(): void {
    if (this.#stopped) return;
    if (this.#pass) { this.#again = true; return; }
    this.#pass = this.tick().catch((err: unknown) => this.deps.log.error({ err }, 'launch pass failed')).finally(() => {
      this.#pass = undefined;
      if (this.#again) { this.#again = false; this.poke(); }
    });
  }

  /** One pass over every open launch whose lease this replica holds or can take, after the pass in flight. */
  tick(): Promise<void> {
    const run = this.#chain.then(() => this.#passOnce());
    this.#chain = run.catch(() => undefined);
    return run;
  }

  async #passOnce(): Promise<void> {
    const { leases } = this.deps;
    const open = await this.deps.db.select().from(tables.launches).where(inArray(tables.launches.status, ['queued', 'running'])).orderBy(asc(tables.launches.id));
    const openIds = new Set(open.map((l) => l.id));
    // Launches that ended (finished here, or canceled through any replica) free their lease.
    for (const id of leases.held()) if (!openIds.has(id)) await leases.release(id);
    for (const launch of open) {
      if (this.#stopped) return;
      if (!(await leases.acquire(launch.id))) continue;
      const status = await this.#advance(launch);
      if (status === 'finished') await leases.release(launch.id);
    }
    // A finished launch whose experiment a pick swap replaced, when the API stopped before starting the new one.
    const dueAfterFinish = await this.deps.db.selectDistinct({ id: tables.launches.id, createdBy: tables.launches.createdBy }).from(tables.launchSkus)
      .innerJoin(tables.launches, eq(tables.launches.id, tables.launchSkus.launchId))
      .where(and(eq(tables.launchSkus.experimentState, 'due'), eq(tables.launches.status, 'finished')));
    for (const launch of dueAfterFinish) {
      if (this.#stopped) return;
      if (!(await leases.acquire(launch.id))) continue;
      await this.#startDueExperiments(launch);
      await leases.release(launch.id);
    }
  }

  /** Whether this replica may still take a step on the launch that must not happen twice. */
  #mine(launchId: string): boolean {
    return !this.#stopped && this.deps.leases.holds(launchId);
  }

  async #advance(launchIn: LaunchRow): Promise<LaunchRow['status'] | undefined> {
    const { db } = this.deps;
    let launch = launchIn;
    if (!this.#mine(launch.id)) return undefined;
    if (launch.status === 'queued') {
      const [started] = await db.update(tables.launches).set({ status: 'running', startedAt: new Date() })
        .where(and(eq(tables.launches.id, launch.id), eq(tables.launches.status, 'queued'))).returning();
      if (!started) return undefined;
      launch = started;
    }
    let rendering = await db.select().from(tables.launchSkus)
      .where(and(eq(tables.launchSkus.launchId, launch.id), eq(tables.launchSkus.status, 'rendering')));
    // A claim committed but not (fully) submitted: the API stopped between the two. Submit exactly the ids it chose.
    for (const sku of rendering.filter((s) => !s.submitted)) {
      if (!this.#mine(launch.id)) return undefined;
      await this.#submit(launch, sku);
    }
    rendering = await this.#closeFinished(launch, rendering);
    // Every SKU whose picks call for an experiment that does not exist yet: the ones just closed, and any a crash left
    // between closing the SKU and starting its experiment (the state `due` is committed with the picks).
    await this.#startDueExperiments(launch);

    let capacity = this.deps.maxInFlight - rendering.length;
    if (capacity > 0) {
      const waiting = await db.select().from(tables.launchSkus)
        .where(and(eq(tables.launchSkus.launchId, launch.id), eq(tables.launchSkus.status, 'pending'))).orderBy(asc(tables.launchSkus.line)).limit(capacity);
      const estimate = launch.estimatePerSkuMilliFen ?? 0;
      let reserved = rendering.length * estimate;
      const spent = launch.plan.budget === undefined ? 0 : await launchSpend(db, launch.id);
      for (const sku of waiting) {
        if (!this.#mine(launch.id)) return undefined;
        if (launch.plan.budget !== undefined && spent + reserved + estimate > launch.plan.budget) {
          // Nothing left in flight to free room: every waiting SKU is out of budget. Else wait for the running ones.
          if (rendering.length === 0 && reserved === 0) await this.#skipWaitingForBudget(launch, spent);
          break;
        }
        const claimed = await this.#claim(launch, sku);
        if (!claimed) continue;
        reserved += estimate;
        capacity--;
        await this.#submit(launch, claimed);
      }
    }
    // A launch with an experiment still due is not finished: a restart must find it open to start the experiment.
    const [left] = await db.select({ n: sql<number>`count(*)::int` }).from(tables.launchSkus)
      .where(and(eq(tables.launchSkus.launchId, launch.id), or(inArray(tables.launchSkus.status, ['pending', 'rendering']), eq(tables.launchSkus.experimentState, 'due'))));
    if ((left?.n ?? 0) === 0) {
      await db.update(tables.launches).set({ status: 'finished', finishedAt: new Date() })
        .where(and(eq(tables.launches.id, launch.id), eq(tables.launches.status, 'running')));
      this.deps.log.info({ launchId: launch.id }, 'launch finished');
      return 'finished';
    }
    return launch.status;
  }

  /** Commit the SKU's job ids (one per plan line) before submitting any: what makes a restart exact. */
  async #claim(launch: LaunchRow, sku: SkuRow): Promise<SkuRow | undefined> {
    const [claimed] = await this.deps.db.update(tables.launchSkus)
      .set({ status: 'rendering', jobIds: launch.plan.recipes.map(() => newId()), submitted: false, updatedAt: new Date() })
      .where(and(eq(tables.launchSkus.id, sku.id), eq(tables.launchSkus.status, 'pending'))).returning();
    return claimed;
  }

  async #skipWaitingForBudget(launch: LaunchRow, spent: number): Promise<void> {
    await this.deps.db.update(tables.launchSkus)
      .set({ status: 'skipped_budget', errorCode: 'SF_BUDGET_EXCEEDED', errorMessage: `the launch has spent ${spent} of its ${launch.plan.budget} milli-fen budget`, updatedAt: new Date(), finishedAt: new Date() })
      .where(and(eq(tables.launchSkus.launchId, launch.id), eq(tables.launchSkus.status, 'pending')));
  }

  async #endSku(skuId: string, status: LaunchSkuStatus, error: { code: string; message: string } | null): Promise<void> {
    await this.deps.db.update(tables.launchSkus)
      .set({ status, errorCode: error?.code ?? null, errorMessage: error?.message.slice(0, 500) ?? null, updatedAt: new Date(), finishedAt: new Date() })
      .where(and(eq(tables.launchSkus.id, skuId), eq(tables.launchSkus.status, 'rendering')));
  }

  /** Make the SKU's photos assets (URLs are fetched now), then submit each of its jobs that does not exist yet. */
  async #submit(launch: LaunchRow, sku: SkuRow): Promise<void> {
    const { db } = this.deps;
    let photos = sku.photos;
    if (photos.some((p) => p.assetId === null)) {
      try {
        photos = await Promise.all(photos.map((p) => (p.assetId === null ? this.#fetchPhoto(p, launch.createdBy) : p)));
      } catch (e) {
        const err = e as { code?: string; message: string };
        await this.#endSku(sku.id, 'failed', { code: err.code ?? 'SF_LAUNCH_PHOTO_URL_REFUSED', message: err.message });
        return;
      }
      await db.update(tables.launchSkus).set({ photos }).where(eq(tables.launchSkus.id, sku.id));
    }
    const existing = new Set((await db.select({ id: tables.jobs.id }).from(tables.jobs).where(inArray(tables.jobs.id, sku.jobIds))).map((j) => j.id));
    const photoIds = photos.map((p) => p.assetId!);
    for (const [i, line] of launch.plan.recipes.entries()) {
      const jobId = sku.jobIds[i]!;
      if (existing.has(jobId)) continue;
      // The lease lapsed mid-SKU: the replica that holds it now submits the rest (the SKU stays claimed, unsubmitted).
      if (!this.#mine(launch.id)) return;
      const recipe = this.deps.recipes.get(line.recipe);
      try {
        if (!recipe) throw Object.assign(new Error(`recipe ${line.recipe} is no longer offered`), { code: 'SF_RECIPE_UNKNOWN' });
        const mine = Object.fromEntries(Object.entries(sku.params ?? {}).filter(([k]) => k in recipe.params.shape));
        await this.deps.submission.submit({
          type: recipe.type, recipe: recipe.id, inputs: skuJobInputs(recipe, photoIds, line.inputs ?? {}), params: { ...line.params, ...mine },
          variants: line.variants, priority: 4, backend: recipe.backend as 'local' | 'comfyui' | 'replicate',
        }, { createdBy: launch.createdBy, jobId, launchId: launch.id, sku: sku.sku });
        this.deps.log.info({ launchId: launch.id, jobId, sku: sku.sku, recipe: recipe.id }, 'launch job submitted');
      } catch (e) {
        const err = e as { code?: string; message: string };
        this.deps.log.warn({ err, launchId: launch.id, jobId, sku: sku.sku }, 'a launch job was refused');
        // The day's cap (or a job budget) refused it: the SKU is out of budget, not broken.
        await this.#endSku(sku.id, err.code === 'SF_BUDGET_EXCEEDED' ? 'skipped_budget' : 'failed', { code: err.code ?? 'SF_INTERNAL', message: err.message });
        return;
      }
    }
    await db.update(tables.launchSkus).set({ submitted: true, updatedAt: new Date() }).where(eq(tables.launchSkus.id, sku.id));
  }

  async #fetchPhoto(photo: LaunchPhotoRef, createdBy: string | null): Promise<LaunchPhotoRef> {
    const { bytes } = await fetchPhotoUrl(photo.ref, this.deps.fetch);
    await mkdir(this.deps.spoolDir, { recursive: true });
    const file = path.join(this.deps.spoolDir, `${randomUUID()}.photo`);
    try {
      await writeFile(file, bytes);
      const asset = await this.deps.uploads.ingest({ file, bytes: bytes.length, sha256: '', filename: undefined, discard: () => rm(file, { force: true }) }, { createdBy });
      return { ...photo, assetId: asset.id };
    } catch (e) {
      const err = e as { code?: string; message: string };
      throw Object.assign(new Error(`${photo.ref}: ${err.message}`), { code: err.code === 'SF_LAUNCH_PHOTO_URL_REFUSED' ? err.code : err.code ?? 'SF_LAUNCH_PHOTO_URL_REFUSED' });
    } finally {
      await rm(file, { force: true });
    }
  }

  /** Close every rendering SKU whose jobs have all ended and whose images are scored; returns those still in flight. */
  async #closeFinished(launch: LaunchRow, rendering: SkuRow[]): Promise<SkuRow[]> {
    const { db } = this.deps;
    const submitted = rendering.filter((s) => s.submitted);
    const jobIds = submitted.flatMap((s) => s.jobIds);
    if (jobIds.length === 0) return rendering;
    const jobs = await db.select({ id: tables.jobs.id, status: tables.jobs.status, type: tables.jobs.type, finishedAt: tables.jobs.finishedAt })
      .from(tables.jobs).where(inArray(tables.jobs.id, jobIds));
    const jobOf = new Map(jobs.map((j) => [j.id, j]));
    const still: SkuRow[] = rendering.filter((s) => !s.submitted);
    for (const sku of submitted) {
      const mine = sku.jobIds.map((id) => jobOf.get(id));
      if (mine.some((j) => !j || !terminalJobStatuses.includes(j.status as JobStatus))) { still.push(sku); continue; }
      const closed = await this.#closeSku(launch, sku, mine as NonNullable<(typeof mine)[number]>[]);
      if (!closed) still.push(sku);
    }
    return still;
  }

  async #closeSku(launch: LaunchRow, sku: SkuRow, jobs: { id: string; status: string; type: string; finishedAt: Date | null }[]): Promise<boolean> {
    const { db } = this.deps;
    const outputs = await db.select({ id: tables.assets.id, jobId: tables.assets.jobId, mime: tables.assets.mime, taskId: tables.assets.taskId })
      .from(tables.assets).where(and(inArray(tables.assets.jobId, sku.jobIds), eq(tables.assets.kind, 'output')));
    if (outputs.length === 0) {
      const tasks = await db.select({ status: tables.tasks.status, errorCode: tables.tasks.errorCode, errorMessage: tables.tasks.errorMessage })
        .from(tables.tasks).where(inArray(tables.tasks.jobId, sku.jobIds));
      const failed = tasks.find((t) => t.status === 'failed');
      const status: LaunchSkuStatus = failed ? 'failed' : tasks.some((t) => t.status === 'skipped_budget') ? 'skipped_budget' : jobs.some((j) => j.status === 'canceled') ? 'canceled' : 'failed';
      await this.#endSku(sku.id, status, failed ? { code: failed.errorCode ?? 'SF_INTERNAL', message: failed.errorMessage ?? 'every render failed' }
        : status === 'skipped_budget' ? { code: 'SF_BUDGET_EXCEEDED', message: 'the budget ran out before its renders' } : null);
      return true;
    }
    const images = outputs.filter((o) => !o.mime.startsWith('video/'));
    const scores = images.length === 0 ? [] : await db.selectDistinctOn([tables.scores.assetId], {
      assetId: tables.scores.assetId, ctr: tables.scores.ctr, phash: tables.scores.phash, gatesPassed: tables.scores.gatesPassed, result: tables.scores.result,
    }).from(tables.scores).where(inArray(tables.scores.assetId, images.map((o) => o.id))).orderBy(tables.scores.assetId, desc(tables.scores.createdAt));
    const scoreOf = new Map(scores.map((s) => [s.assetId, s]));
    const lastEnd = Math.max(...jobs.map((j) => j.finishedAt?.getTime() ?? Date.now()));
    if (images.some((o) => !scoreOf.has(o.id)) && Date.now() - lastEnd < scoreWaitMs) return false;

    const typeOf = new Map(jobs.map((j) => [j.id, j.type as keyof typeof launchSlotOf]));
    const taskOrder = new Map<string, number>();
    if (outputs.length > 0) {
      const tasks = await db.select({ id: tables.tasks.id, index: tables.tasks.index }).from(tables.tasks).where(inArray(tables.tasks.jobId, sku.jobIds));
      for (const t of tasks) taskOrder.set(t.id, t.index);
    }
    const candidates: PickCandidate[] = outputs.map((o) => {
      const s = scoreOf.get(o.id);
      return {
        assetId: o.id, slot: launchSlotOf[typeOf.get(o.jobId!) ?? 'product-shot'], mime: o.mime, order: taskOrder.get(o.taskId ?? '') ?? 0,
        score: s ? { ctr: s.ctr, phash: s.phash, gatesPassed: s.gatesPassed, gate: (s.result as ImageScore).gate[launch.plan.profile] as GateResult | undefined } : null,
      };
    });
    const picked = pickForSku(candidates, launch.plan.profile, launch.plan.pick);
    const status: LaunchSkuStatus = picked.unpickedSlots.length > 0 ? 'needs_review' : 'done';
    const mainPicks = picked.picks.filter((p) => p.slot === 'main').map((p) => p.assetId);
    // One pick is enough when the slot already has a live image (it joins as the control); with neither two picks nor a
    // live image there is nothing to compare. `due` is committed with the picks: the experiment is started after the
    // commit (#startDueExperiments), and a crash in between leaves the SKU saying so.
    const experimentDue = launch.plan.experiment === true && this.deps.experiments !== undefined && mainPicks.length >= 1
      && (mainPicks.length >= 2 || (await db.select({ sku: tables.slotPointers.sku }).from(tables.slotPointers)
        .where(and(eq(tables.slotPointers.sku, sku.sku), eq(tables.slotPointers.slot, 'main')))).length > 0);
    await db.transaction(async (tx) => {
      const [row] = await tx.update(tables.launchSkus)
        .set({ status, failingRules: picked.failingRules, updatedAt: new Date(), finishedAt: new Date(), errorCode: null, errorMessage: null,
          experimentState: experimentDue ? 'due' : null, experimentId: null, experimentError: null })
        .where(and(eq(tables.launchSkus.id, sku.id), eq(tables.launchSkus.status, 'rendering'))).returning({ id: tables.launchSkus.id });
      if (!row) return;
      await tx.delete(tables.launchPicks).where(eq(tables.launchPicks.skuId, sku.id));
      if (picked.picks.length > 0) await tx.insert(tables.launchPicks).values(picked.picks.map((p) => ({ skuId: sku.id, ...p, by: 'auto' as const })));
    });
    return true;
  }

  /**
   * Start the experiment of every SKU of the launch whose state is `due` (see LaunchExperiments.startDue): those the
   * pass just closed, any a crash left between closing a SKU and starting its experiment, and pick swaps that replace one.
   */
  async #startDueExperiments(launch: Pick<LaunchRow, 'id' | 'createdBy'>): Promise<void> {
    const { db, experiments } = this.deps;
    if (!experiments) return;
    const due = await db.select({ id: tables.launchSkus.id }).from(tables.launchSkus)
      .where(and(eq(tables.launchSkus.launchId, launch.id), eq(tables.launchSkus.experimentState, 'due'))).orderBy(asc(tables.launchSkus.line));
    for (const sku of due) {
      if (!this.#mine(launch.id)) return;
      await experiments.startDue(launch, sku.id);
    }
  }

  /** Stop a launch: waiting SKUs are canceled, SKUs in the farm have their jobs canceled; ended SKUs keep their picks. */
  async cancel(launchId: string): Promise<void> {
    const { db } = this.deps;
    await db.update(tables.launches).set({ status: 'canceled', finishedAt: new Date() })
      .where(and(eq(tables.launches.id, launchId), inArray(tables.launches.status, ['queued', 'running'])));
    // A pass in flight may claim one more SKU before it sees the cancel: wait for it, then sweep.
    await this.#chain;
    const open = await db.update(tables.launchSkus).set({ status: 'canceled', updatedAt: new Date(), finishedAt: new Date() })
      .where(and(eq(tables.launchSkus.launchId, launchId), inArray(tables.launchSkus.status, ['pending', 'rendering']))).returning();
    const jobIds = open.flatMap((s) => s.jobIds);
    if (jobIds.length === 0) return;
    const live = await db.select({ id: tables.jobs.id }).from(tables.jobs).where(and(inArray(tables.jobs.id, jobIds), inArray(tables.jobs.status, ['queued', 'running'])));
    for (const job of live) await this.deps.cancelJob(job.id);
  }
}

/** What a launch has spent so far (every ledger line tagged with it), milli-fen. */
export async function launchSpend(db: Db, launchId: string): Promise<number> {
  const [row] = await db.select({ sum: sql<string | null>`sum(${tables.costEntries.amountMilliFen})` }).from(tables.costEntries).where(eq(tables.costEntries.launchId, launchId));
  return Number(row?.sum ?? 0);
}
