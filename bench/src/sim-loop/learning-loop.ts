import { randomUUID } from 'node:crypto';
import { newId, type TrainRunView } from '@shotfarm/shared';
import { tables } from '@shotfarm/shared/db';
import { SeededRandom } from '@shotfarm/shared/random';
import { createStorage } from '@shotfarm/shared/storage';
import { TrainWorker } from '@shotfarm/scorer';
import { readShippedModels } from '@shotfarm/scorer/models';
import { predictLogistic, type LogisticParams } from '@shotfarm/scorer/scoring';
import { ClickSimulator, simFeatureNames, trueEffects, type SimFeatureName, type SimImage } from '@shotfarm/scorer/simulation';
import { importCtrOnnx } from '@shotfarm/scorer/training';
import { startBenchFarm, type BenchFarm } from '../bench-farm.ts';
import { Closers } from '../closers.ts';

/** One run of the learning loop on one simulated market. */
export interface LoopSpec {
  seed: number;
  /** Learnable share R² of the market's within-product logit variance. */
  r2: number;
  days: number;
  /** Products launched each day; each runs an experiment for `liveDays` days. */
  productsPerDay: number;
  /** Candidates generated and scored per product. */
  candidates: number;
  /** Top candidates by the active model that go live as the experiment's arms. */
  arms: number;
  liveDays: number;
  /** Shoppers (impressions through `/serve`) per live product per day. */
  impressionsPerProductDay: number;
  /** Allocation updates (Thompson weights recomputed) per simulated day. */
  periodsPerDay: number;
  holdoutDays: number;
  /**
   * How much the market's shoppers agree with the simulator the shipped model was trained on: the correlation of
   * the market's feature effects with the hand-written ones (1: the simulator was right; 0: unrelated).
   */
  agreement: number;
}

export const defaultLoopSpec: Omit<LoopSpec, 'seed' | 'r2'> = {
  days: 30, productsPerDay: 8, candidates: 6, arms: 4, liveDays: 2, impressionsPerProductDay: 300, periodsPerDay: 2, holdoutDays: 5, agreement: 0.3,
};

/** One product of a day's launch, and which images each policy would have put live. */
export interface CohortProduct {
  sku: string;
  /**
   * True CTR of the image put live at launch — the top pick — by the loop's active model, by the frozen model, and
   * by chance (the loop also A/B-tests its next picks on /serve; they feed the training data).
   */
  loop: number;
  frozen: number;
  random: number;
  /** Mean true CTR over all candidates (what a pick by chance averages to). */
  candidatesMean: number;
}

export interface LoopDay {
  day: number;
  /** The model version that scored the day's launch (`ctr-v1` is the frozen, simulator-trained model). */
  activeVersion: number;
  cohort: CohortProduct[];
  /** Impressions served by `/serve` and clicks posted to `/events` that day, and their true expected clicks. */
  impressions: number;
  clicks: number;
  expectedClicks: number;
  /** The night's retraining: null before there are enough days of data. */
  retrain: { version: number; decision: 'better' | 'not-better'; promoted: boolean; aucGain: number; aucGainCi95: [number, number] } | null;
}

export interface LoopResult {
  spec: LoopSpec;
  days: LoopDay[];
  promotions: number;
  /** Totals of the events accepted by `/events`, and of the training rows the API exported. */
  eventTotals: { impressions: number; clicks: number };
  trainingTotals: { impressions: number; clicks: number; rows: number };
}

/**
 * The market's feature effects: `agreement` × the simulator's hand-written effects + the rest drawn afresh, each part
 * scaled to the same spread, so the shipped model (trained on the hand-written truth) is right only in part.
 */
export function marketEffects(seed: number, agreement: number): Record<SimFeatureName, number> {
  const rng = new SeededRandom(seed, 'market-effects');
  const names = simFeatureNames;
  const hand = names.map((n) => trueEffects[n]);
  const sd = Math.sqrt(hand.reduce((s, x) => s + x * x, 0) / hand.length);
  const own = names.map(() => rng.normal(0, sd));
  const out = {} as Record<SimFeatureName, number>;
  names.forEach((n, i) => { out[n] = agreement * hand[i]! + Math.sqrt(1 - agreement * agreement) * own[i]!; });
  return out;
}

/** The UTC calendar day simulated day `d` is stamped with: the run's days end two days before today. */
function simDate(d: number, days: number, nowMs: number): Date {
  const today = Date.UTC(new Date(nowMs).getUTCFullYear(), new Date(nowMs).getUTCMonth(), new Date(nowMs).getUTCDate());
  return new Date(today - (days + 2 - d) * 86_400_000);
}

function mean(xs: readonly number[]): number {
  return xs.length === 0 ? Number.NaN : xs.reduce((a, b) => a + b, 0) / xs.length;
}

function topIndices(scores: readonly number[], k: number): number[] {
  return scores.map((s, i) => [s, i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]).slice(0, k).map(([, i]) => i);
}

/**
 * The whole learning loop on one simulated market, through the real API in this process (redis-server, PGlite,
 * BullMQ, the scorer's train worker):
 * - each day a launch of `productsPerDay` products, each with `candidates` images; the candidates' features come
 *   from the click simulator (no pixels are rendered: the scorer's feature extraction is the one step skipped), and
 *   the scorer's CTR head — the active model version, read from storage as a scorer host reads it — scores them;
 *   the score rows are stored as the score worker's manager stores them;
 * - the top `arms` go live as an experiment (`POST /api/experiments`, Thompson allocation);
 * - shoppers ask `/serve` which image to see and click with that image's true CTR (the simulator's hidden truth);
 *   their impressions and clicks go to `/events`, stamped with the simulated day (an event's own timestamp is what
 *   the training data is aggregated by, so simulated days need no wall-clock time: the API accepts them within its
 *   late window, which the run widens to cover them);
 * - the allocation updater recomputes weights `periodsPerDay` times a day; each night `POST /api/models/train`
 *   retrains on everything logged so far and promotes only a candidate shown better on the held-out days.
 * The frozen model (the shipped, simulator-trained `ctr-v1`) and random picks are scored on the same candidates.
 */
export async function runLearningLoop(spec: LoopSpec, onDay?: (day: LoopDay) => void): Promise<LoopResult> {
  const closers = new Closers();
  try {
    const window = (spec.days + 5) * 86_400;
    const farm = await startBenchFarm(closers, { env: { EXPERIMENT_LATE_WINDOW_S: String(window), EXPERIMENT_UPDATE_S: '3600', RATE_LIMIT_STOREFRONT: '100000000' }, shippedModels: await readShippedModels() });
    const trainer = new TrainWorker({ redisUrl: farm.redisUrl, prefix: farm.config.queuePrefix, storage: await createStorage(farm.config.storage) });
    await trainer.start();
    closers.add(() => trainer.close(true));
    return await loop(farm, spec, onDay);
  } finally {
    await closers.closeAll();
  }
}

async function loop(farm: BenchFarm, spec: LoopSpec, onDay?: (day: LoopDay) => void): Promise<LoopResult> {
  const { app, api, database } = farm;
  const [shipped] = await readShippedModels();
  const frozen = shipped!.metadata as unknown as LogisticParams;
  const market = new ClickSimulator({
    seed: spec.seed, learnableShare: spec.r2, productCount: spec.days * spec.productsPerDay, candidateCounts: [spec.candidates],
    days: spec.days, baselineCtrRange: [0.06, 0.1], effects: marketEffects(spec.seed, spec.agreement),
  });
  const picks = new SeededRandom(spec.seed, 'random-picks');
  const shoppers = new SeededRandom(spec.seed, 'shoppers');
  const nowMs = Date.now();
  const modelCache = new Map<string, LogisticParams>();
  const live: { sku: string; experimentId: string; until: number; images: Map<string, SimImage> }[] = [];
  const days: LoopDay[] = [];
  const eventTotals = { impressions: 0, clicks: 0 };
  let promotions = 0;

  for (let day = 0; day < spec.days; day++) {
    const date = simDate(day, spec.days, nowMs);
    // — The day's launch: candidates scored by the active model; its top arms go live.
    const pointer = await app.farm.models.activePointer('ctr');
    if (!pointer) throw new Error('no active ctr model');
    let active = modelCache.get(pointer.key);
    if (!active) { active = importCtrOnnx(await app.storage.get(pointer.key)); modelCache.set(pointer.key, active); }
    const cohort: CohortProduct[] = [];
    for (const product of market.products.slice(day * spec.productsPerDay, (day + 1) * spec.productsPerDay)) {
      const candidates = market.candidates(product.productId);
      const features = candidates.map((c) => ({ ...c.features }) as Record<string, number>);
      const predicted = predictLogistic(active, features);
      const assetIds = candidates.map(() => newId());
      await database.db.insert(tables.assets).values(assetIds.map((id) => ({ id, kind: 'output' as const, mime: 'image/png' as const, width: 800, height: 800, bytes: 1000, sha256: id.replaceAll('-', ''), key: `sim/${id}.png` })));
      await database.db.insert(tables.scores).values(assetIds.map((assetId, i) => ({
        id: newId(), assetId, modelVersion: `ctr-v${pointer.version}`, quality: 0.5, ctr: predicted[i]!, phash: '0'.repeat(16), gatesPassed: [],
        result: { features: features[i]!, ctr: { predicted: predicted[i]!, modelVersion: `ctr-v${pointer.version}` } } as never, scoreMs: 0,
      })));
      const chosen = topIndices(predicted, spec.arms);
      const sku = `SIM-${spec.seed}-${product.productId}`;
      const created = await api.inject({ method: 'POST', url: '/api/experiments', payload: { sku, slot: 'main', arms: chosen.map((i) => assetIds[i]) } });
      if (created.statusCode !== 201) throw new Error(`experiment: ${created.statusCode} ${created.body}`);
      live.push({ sku, experimentId: (created.json() as { id: string }).id, until: day + spec.liveDays, images: new Map(chosen.map((i) => [assetIds[i]!, candidates[i]!])) });
      const trueCtr = (i: number) => market.ctr(candidates[i]!.imageId, day);
      const frozenScores = predictLogistic(frozen, features);
      cohort.push({
        sku, loop: trueCtr(chosen[0]!), frozen: trueCtr(topIndices(frozenScores, 1)[0]!), random: trueCtr(picks.int(candidates.length)),
        candidatesMean: mean(candidates.map((_, i) => trueCtr(i))),
      });
    }

    // — Shoppers: /serve picks, the truth decides the click, /events counts both.
    let impressions = 0, clicks = 0, expectedClicks = 0;
    const perPeriod = Math.ceil(spec.impressionsPerProductDay / spec.periodsPerDay);
    for (let period = 0; period < spec.periodsPerDay; period++) {
      const events: object[] = [];
      const ts = new Date(date.getTime() + (period + 0.5) * (86_400_000 / spec.periodsPerDay)).toISOString();
      const requests: (() => Promise<void>)[] = [];
      for (const product of live) {
        for (let n = 0; n < perPeriod; n++) {
          const visitor = `v-${randomUUID()}`;
          const u = shoppers.next();
          requests.push(() => api.inject({ method: 'GET', url: `/serve/${product.sku}/main?format=json&record=0&visitor=${visitor}` }).then((res) => {
            if (res.statusCode !== 200) throw new Error(`/serve: ${res.statusCode} ${res.body}`);
            const { assetId } = res.json() as { assetId: string };
            const image = product.images.get(assetId);
            if (!image) throw new Error(`/serve answered ${assetId}, not an arm of ${product.sku}`);
            const ctr = market.ctr(image.imageId, day);
            const base = { sku: product.sku, slot: 'main', assetId, visitor, ts };
            events.push({ ...base, eventId: randomUUID(), type: 'impression' });
            impressions++;
            expectedClicks += ctr;
            if (u < ctr) { events.push({ ...base, eventId: randomUUID(), type: 'click' }); clicks++; }
          }));
        }
      }
      // In waves, so the API sees concurrent shoppers as it would, without one promise per request of the day.
      for (let i = 0; i < requests.length; i += 200) await Promise.all(requests.slice(i, i + 200).map((send) => send()));
      for (let i = 0; i < events.length; i += 1000) {
        const res = await api.inject({ method: 'POST', url: '/events', payload: { events: events.slice(i, i + 1000) } });
        const body = res.json() as { accepted: number; rejected: { code: string }[] };
        if (res.statusCode !== 202 || body.rejected.length > 0) throw new Error(`/events: ${res.statusCode} ${res.body.slice(0, 300)}`);
        for (const e of events.slice(i, i + 1000) as { type: string }[]) eventTotals[e.type === 'click' ? 'clicks' : 'impressions']++;
      }
      await app.experiments.updater.runOnce(); // flush the counters, recompute the weights
    }
    // Products at the end of their run stop their experiments.
    for (const product of live.filter((p) => p.until <= day + 1)) {
      const res = await api.inject({ method: 'POST', url: `/api/experiments/${product.experimentId}/stop`, payload: {} });
      if (res.statusCode !== 200) throw new Error(`stop: ${res.statusCode} ${res.body}`);
    }
    live.splice(0, live.length, ...live.filter((p) => p.until > day + 1));

    // — The night: retrain on everything logged so far; promotion is the API's decision.
    let retrain: LoopDay['retrain'] = null;
    if (day + 1 > spec.holdoutDays) {
      const res = await api.inject({ method: 'POST', url: '/api/models/train', payload: { holdoutDays: spec.holdoutDays } });
      if (res.statusCode !== 202) throw new Error(`train: ${res.statusCode} ${res.body}`);
      const jobId = (res.json() as { jobId: string }).jobId;
      try {
        const outcome = await app.learning.retrain.wait(jobId, 300_000);
        retrain = { version: outcome.version, decision: outcome.comparison.decision, promoted: outcome.promoted, aucGain: outcome.comparison.aucGain, aucGainCi95: outcome.comparison.aucGainCi95 };
        if (outcome.promoted) promotions++;
      } catch (e) {
        const view = (await api.inject({ method: 'GET', url: `/api/models/train/${jobId}` })).json() as TrainRunView;
        if (!view.failedReason?.startsWith('SF_MODEL_TRAINING_DATA_SHORT')) throw e;
      }
    }
    const result: LoopDay = { day, activeVersion: pointer.version, cohort, impressions, clicks, expectedClicks, retrain };
    days.push(result);
    onDay?.(result);
  }

  const rows = await app.learning.trainingData.farmRows();
  return {
    spec, days, promotions, eventTotals,
    trainingTotals: { rows: rows.length, impressions: rows.reduce((s, r) => s + r.impressions, 0), clicks: rows.reduce((s, r) => s + r.clicks, 0) },
  };
}
