import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { and, eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ExperimentSummary, ExperimentView, LaunchCandidate, LaunchSkuPage, LaunchView } from '@shotfarm/shared';
import { tables } from '@shotfarm/shared/db';
import { multipartFile, productPhotos, startFarm, waitFor, type Farm } from '../test/harness.ts';
import { fixturePhotoZip, launchForm, plainPhotos } from '../test/launch-form.ts';

type ExperimentList = { items: ExperimentSummary[]; total: number };
type ExperimentStore = Farm['app']['experiments']['store'];

/**
 * plan.experiment across a crash: the SKU's picks and the `due` state commit together, the experiment is started after
 * the commit, and the API may die in between (or just after creating the experiment, before the SKU records it). The
 * runner's resume path starts each missing experiment exactly once. And a person's later swap of the main picks:
 * the experiment is replaced while it has no impressions, refused with 409 once it has.
 */
describe('launch experiments: recovery and pick swaps', () => {
  let farm: Farm;
  let realCreate: ExperimentStore['create'];
  const db = () => farm.database.db;

  beforeAll(async () => {
    farm = await startFarm({ TASK_ATTEMPTS: '1', LAUNCH_POLL_MS: '200' }, { listen: false });
    await farm.startWorker(2);
    await farm.startScorer();
    realCreate = farm.app.experiments.store.create.bind(farm.app.experiments.store);
  }, 60_000);
  afterAll(() => farm.close());
  // A test that failed mid-crash must not leave the next one with a crashing store or a stopped runner.
  afterEach(() => {
    if (farm.app.experiments.store.create !== realCreate) restart();
  });

  const experimentsOf = async (sku: string) => ((await farm.inject({ method: 'GET', url: `/api/experiments?sku=${sku}` })).json() as ExperimentList).items;
  const launchView = async (id: string) => (await farm.inject({ method: 'GET', url: `/api/launches/${id}` })).json() as LaunchView;
  const skuRow = async (launchId: string) => (await db().select().from(tables.launchSkus).where(eq(tables.launchSkus.launchId, launchId)))[0]!;

  /** A one-SKU launch with plan.experiment; the SKU's main slot has a live image, so one pick makes an experiment. */
  async function launchOne(sku: string, photo: string): Promise<{ launchId: string; liveId: string }> {
    const upload = await farm.inject({ method: 'POST', url: '/api/assets', ...multipartFile(await readFile(path.join(productPhotos, plainPhotos[4]!)), `${sku}-live.jpg`, 'image/jpeg') });
    const liveId = upload.json().id as string;
    expect((await farm.inject({ method: 'PUT', url: `/api/slots/${sku}/main`, payload: { assetId: liveId } })).statusCode).toBe(200);
    const form = launchForm(`sku,title,category,photos\n${sku},Item,home,photos/${photo}\n`,
      { recipes: [{ recipe: 'product-shot/studio-local', variants: 2 }], pick: 1, experiment: true }, await fixturePhotoZip([photo]));
    const res = await farm.inject({ method: 'POST', url: '/api/launches', payload: form.payload, headers: form.headers });
    expect(res.statusCode).toBe(201);
    return { launchId: res.json().id as string, liveId };
  }

  /**
   * The API dies inside the experiment start: the runner stops there (nothing after the crash point runs), and the
   * start throws as a dropped connection would. `createFirst`: the experiment's own commit happened before the crash.
   */
  function crashOnExperimentStart(createFirst: boolean): { crashed: (launchId: string) => Promise<void> } {
    const store = farm.app.experiments.store;
    let signal!: () => void;
    const crashed = new Promise<void>((resolve) => { signal = resolve; });
    store.create = async (input, by) => {
      if (createFirst) await realCreate(input, by);
      const stopping = farm.app.launches.runner.stop();
      void stopping.then(signal);
      throw new Error('ECONNRESET: the API died here');
    };
    // The SKU must close with a pick for its experiment to be due: say what it did if the crash never comes.
    const timeout = (launchId: string) => new Promise<never>((_, reject) => setTimeout(() => {
      void skuRow(launchId).then((row) => reject(new Error(`no experiment start within 120 s; the SKU is ${JSON.stringify(row)}`)));
    }, 120_000));
    return { crashed: (launchId) => Promise.race([crashed, timeout(launchId)]) };
  }

  const restart = () => {
    farm.app.experiments.store.create = realCreate;
    farm.app.launches.runner.start();
  };

  let swapLaunch: { launchId: string; liveId: string } | undefined;

  it('starts the experiment a crash skipped between closing the SKU and starting it, once', async () => {
    const { crashed } = crashOnExperimentStart(false);
    const { launchId, liveId } = await launchOne('RC-1', plainPhotos[0]!);
    await crashed(launchId);
    // What the crash left: the SKU closed with its pick and a due experiment, none started, the launch not finished.
    const left = await skuRow(launchId);
    expect(left.status).toBe('done');
    expect(left.experimentState).toBe('due');
    expect(left.experimentId).toBeNull();
    expect(await experimentsOf('RC-1')).toEqual([]);
    expect((await launchView(launchId)).status).toBe('running');

    restart();
    await waitFor(async () => ((await launchView(launchId)).status === 'finished' ? true : undefined), 60_000, 200);
    const list = await experimentsOf('RC-1');
    expect(list).toHaveLength(1);
    const row = await skuRow(launchId);
    expect(row).toMatchObject({ experimentState: 'started', experimentId: list[0]!.id });
    const [pick] = await db().select().from(tables.launchPicks).where(eq(tables.launchPicks.skuId, row.id));
    const view = (await farm.inject({ method: 'GET', url: `/api/experiments/${list[0]!.id}` })).json() as ExperimentView;
    expect(view.arms.map((a) => [a.assetId, a.control])).toEqual([[liveId, true], [pick!.assetId, false]]);
    // More passes (and another restart) start nothing more.
    await farm.app.launches.runner.tick();
    await farm.app.launches.runner.stop();
    farm.app.launches.runner.start();
    await farm.app.launches.runner.tick();
    expect(await experimentsOf('RC-1')).toHaveLength(1);
    swapLaunch = { launchId, liveId };
  }, 240_000);

  it('adopts the experiment a crash left between creating it and the SKU recording it, starting no second one', async () => {
    const { crashed } = crashOnExperimentStart(true);
    const { launchId } = await launchOne('RC-2', plainPhotos[0]!);
    await crashed(launchId);
    const created = await experimentsOf('RC-2');
    expect(created).toHaveLength(1);
    expect(await skuRow(launchId)).toMatchObject({ status: 'done', experimentState: 'due', experimentId: null });

    restart();
    await waitFor(async () => ((await launchView(launchId)).status === 'finished' ? true : undefined), 60_000, 200);
    const list = await experimentsOf('RC-2');
    expect(list.map((e) => [e.id, e.status])).toEqual([[created[0]!.id, 'running']]);
    expect(await skuRow(launchId)).toMatchObject({ experimentState: 'started', experimentId: created[0]!.id });
  }, 240_000);

  it('a pick swap replaces an experiment with no impressions, and is refused (409) once it has some', async () => {
    const { launchId, liveId } = swapLaunch!;
    const sku = (await skuRow(launchId));
    const before = sku.experimentId!;
    const candidates = ((await farm.inject({ method: 'GET', url: `/api/launches/${launchId}/skus/${sku.id}/candidates` })).json() as { items: LaunchCandidate[] }).items;
    const [picked] = await db().select().from(tables.launchPicks).where(eq(tables.launchPicks.skuId, sku.id));
    const other = candidates.find((c) => c.slot === 'main' && c.assetId !== picked!.assetId);
    expect(other).toBeDefined();

    // No impressions yet: the old experiment stops, one on the new pick starts (the live image still the control).
    const swap = (assetIds: string[]) => farm.inject({ method: 'PUT', url: `/api/launches/${launchId}/skus/${sku.id}/picks`, payload: { slot: 'main', assetIds } });
    const swapped = await swap([other!.assetId]);
    expect(swapped.statusCode).toBe(200);
    const list = await experimentsOf('RC-1');
    expect(list.find((e) => e.id === before)?.status).toBe('stopped');
    const running = list.filter((e) => e.status === 'running');
    expect(running).toHaveLength(1);
    const after = running[0]!.id;
    expect(after).not.toBe(before);
    const view = (await farm.inject({ method: 'GET', url: `/api/experiments/${after}` })).json() as ExperimentView;
    expect(view.arms.map((a) => [a.assetId, a.control])).toEqual([[liveId, true], [other!.assetId, false]]);
    expect(await skuRow(launchId)).toMatchObject({ experimentState: 'started', experimentId: after });

    // Shoppers saw it (impressions counted, here straight into the counts a flush writes): a swap back is refused.
    await db().insert(tables.experimentCounts).values({ experimentId: after, period: 0, position: 1, assignments: 3, impressions: 3, clicks: 0 });
    const refused = await swap([picked!.assetId]);
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ code: 'SF_LAUNCH_PICK_EXPERIMENT_LIVE', details: { experimentId: after, impressions: 3 } });
    expect(refused.json().message).toContain('stop the experiment first');
    // Nothing changed: the picks, the experiment, the SKU.
    const picksNow = await db().select().from(tables.launchPicks).where(and(eq(tables.launchPicks.skuId, sku.id), eq(tables.launchPicks.slot, 'main')));
    expect(picksNow.map((p) => p.assetId)).toEqual([other!.assetId]);
    expect((await experimentsOf('RC-1')).filter((e) => e.status === 'running').map((e) => e.id)).toEqual([after]);

    // Once a person stops the experiment, the swap goes through and starts nothing (the launch's experiment was theirs to end).
    expect((await farm.inject({ method: 'POST', url: `/api/experiments/${after}/stop` })).statusCode).toBe(200);
    expect((await swap([picked!.assetId])).statusCode).toBe(200);
    expect((await experimentsOf('RC-1')).filter((e) => e.status === 'running')).toEqual([]);
  }, 120_000);

  it('a swap of the same picks, or of a SKU without an experiment, leaves experiments alone', async () => {
    const { launchId } = swapLaunch!;
    const sku = await skuRow(launchId);
    const skus = ((await farm.inject({ method: 'GET', url: `/api/launches/${launchId}/skus` })).json() as LaunchSkuPage).items;
    expect(skus).toHaveLength(1);
    const picks = await db().select().from(tables.launchPicks).where(eq(tables.launchPicks.skuId, sku.id));
    const res = await farm.inject({ method: 'PUT', url: `/api/launches/${launchId}/skus/${sku.id}/picks`, payload: { slot: 'main', assetIds: picks.map((p) => p.assetId) } });
    expect(res.statusCode).toBe(200);
    expect((await experimentsOf('RC-1')).filter((e) => e.status === 'running')).toEqual([]);
  }, 60_000);
});
