import { sigmoid } from '../ctr/sigmoid.ts';
import type { CtrDataset, CtrRow } from '../training/ctr-dataset.ts';
import { type SimFeatureName, type SimFeatures, sampleImageFeatures, simFeatureNames } from './image-features.ts';
import { SeededRandom } from '@shotfarm/shared/random';
import { attractiveness, featureMoments, trueEffects } from './true-attractiveness.ts';

export interface ClickSimulatorOptions {
  /** Seed of every random draw; the same options give the same products, images and logs. @defaultValue 1 */
  seed?: number;
  /**
   * Share of an image's within-product logit variance that its features explain (the learnable part g); the rest is
   * image-specific noise no feature can see. The issue asks for 0, 0.3 and 0.7. @defaultValue 0.7
   */
  learnableShare?: number;
  /** @defaultValue 900 */
  productCount?: number;
  /** Candidates per product, assigned to products in turn so each count is equally common. @defaultValue [4, 8, 16] */
  candidateCounts?: readonly number[];
  /** Days of logged traffic. @defaultValue 14 */
  days?: number;
  /**
   * Standard deviation of the image logit within a product (g + ε). Far wider than the lifts main-image A/B tests
   * usually report: the middle 90% of candidates span about three orders of magnitude of CTR. Chosen so the
   * issue's target is reachable at all: an impression-level within-product AUC is capped by this spread (pairs of
   * impressions of the same image are ties for every model, a model sees only the learnable share, and CTRs
   * saturate), and at R² = 0.7 even a model that knows g exactly reaches 0.75 only from a spread of about 2.
   * Simulated AUCs therefore show that the pipeline learns what is learnable, not what live AUC will be.
   * @defaultValue 2.2
   */
  withinProductLogitSd?: number;
  /** Each product's baseline CTR (the mean over its candidates) is drawn uniformly from this range. @defaultValue [0.03, 0.04] */
  baselineCtrRange?: readonly [number, number];
  /** Median daily impressions of a product, all candidates together; log-normal across products. @defaultValue 2000 */
  dailyImpressionsMedian?: number;
  /** Calendar date of day 0, for reports and `trainedAt`. @defaultValue '2026-10-01' */
  startDate?: string;
  /**
   * Per-sd effect of each feature on the learnable part g (only their relative sizes matter: g is rescaled to
   * `learnableShare`). Another set than the hand-written `trueEffects` is a market whose shoppers do not behave as
   * the shipped model was trained to expect (`pnpm sim:loop`). @defaultValue trueEffects
   */
  effects?: Readonly<Record<SimFeatureName, number>>;
}

export const defaultClickSimulatorOptions: Readonly<Required<ClickSimulatorOptions>> = {
  seed: 1,
  learnableShare: 0.7,
  productCount: 900,
  candidateCounts: [4, 8, 16],
  days: 14,
  withinProductLogitSd: 2.2,
  baselineCtrRange: [0.03, 0.04],
  dailyImpressionsMedian: 2000,
  startDate: '2026-10-01',
  effects: trueEffects,
};

/** Spread of product traffic across products (log scale): the middle 90% get between 0.45× and 2.3× the median. */
const productTrafficSdLog = 0.5;
/** Day-to-day wobble of a product's traffic. */
const dailyTrafficSdLog = 0.15;
/** Weekly rhythm of CTR shared by every product (weekend browsing), on the logit scale. */
const weeklyLogitAmplitude = 0.08;

export interface SimProduct {
  productId: string;
  /** Mean true CTR over the product's candidates on an average day. */
  baselineCtr: number;
  /** The product's own logit offset a_p, solved so that its candidates average `baselineCtr`. */
  offsetLogit: number;
  /** Expected impressions a day, all candidates together. */
  dailyImpressions: number;
  imageIds: readonly string[];
}

/** A candidate image as a policy or a trainer may see it: features, never its true CTR. */
export interface SimImage {
  imageId: string;
  productId: string;
  features: SimFeatures;
}

/** What only the simulator knows about an image. */
export interface SimImageTruth {
  /** CTR on an average day: σ(a_p + g + ε). */
  trueCtr: number;
  /** g: the part of the logit the features explain. */
  learnableLogit: number;
  /** ε: the part no feature explains. */
  noiseLogit: number;
}

/** One line of the click log: an image's traffic on one day. */
export interface ClickLogRow {
  day: number;
  productId: string;
  imageId: string;
  impressions: number;
  clicks: number;
}

export interface ReplayContext {
  productId: string;
  day: number;
  candidates: readonly SimImage[];
}

export interface ReplayFeedback {
  productId: string;
  imageId: string;
  day: number;
  clicked: boolean;
}

/** Chooses which candidate a shopper sees, one impression at a time; `observe` hears the outcome (for bandits). */
export interface ReplayPolicy {
  /** The imageId to show, one of `context.candidates`. */
  choose(context: ReplayContext): string;
  observe?(feedback: ReplayFeedback): void;
}

export interface ReplayOptions {
  /** Days of traffic to replay, from day 0. @defaultValue the simulator's `days` */
  days?: number;
  /** Multiplies every product's traffic, to trade precision for time. @defaultValue 1 */
  trafficScale?: number;
  /**
   * Seed of the replayed traffic and click draws. Policies replayed with the same seed meet the same shoppers: the
   * n-th impression of a product on a day draws the same uniform, so differences between policies are not noise
   * of the draws (common random numbers). @defaultValue the simulator's seed
   */
  seed?: number;
}

export interface ReplayResult {
  impressions: number;
  clicks: number;
  /** Sum of the true CTRs of the images shown: the clicks the policy earns on average, without draw noise. */
  expectedClicks: number;
  /** The same for a policy that always shows each product's best image: the ceiling to measure regret against. */
  bestExpectedClicks: number;
  byImage: ReadonlyMap<string, { impressions: number; clicks: number }>;
}

/**
 * A deterministic market of products and candidate images with known true CTRs, for training and evaluating the
 * CTR model before real logs exist, and for replaying traffic to the A/B rollout's policies.
 *
 * Each image's true CTR is σ(a_p + w_d + g + ε): a_p the product's offset, w_d a weekly rhythm shared by all
 * products, g a fixed function of the image's features scaled to `learnableShare` of the within-product logit
 * variance, ε independent noise carrying the rest. The logged traffic splits each product's daily impressions
 * uniformly at random among its candidates (an A/B/n exploration period), so the log has no selection or position
 * bias, and clicks are exact binomial draws.
 */
export class ClickSimulator {
  readonly options: Readonly<Required<ClickSimulatorOptions>>;
  readonly products: readonly SimProduct[];
  readonly images: readonly SimImage[];
  readonly #truth: ReadonlyMap<string, SimImageTruth>;
  readonly #imagesByProduct: ReadonlyMap<string, readonly SimImage[]>;
  #log: readonly ClickLogRow[] | undefined;

  constructor(options: ClickSimulatorOptions = {}) {
    const o = { ...defaultClickSimulatorOptions, ...options };
    if (!(o.learnableShare >= 0 && o.learnableShare <= 1)) throw new RangeError(`learnableShare must lie in [0, 1], got ${o.learnableShare}`);
    if (o.candidateCounts.length === 0 || !o.candidateCounts.every((k) => Number.isInteger(k) && k >= 2)) {
      throw new RangeError('candidateCounts must be integers ≥ 2');
    }
    this.options = o;

    const productRng = new SeededRandom(o.seed, 'products');
    const featureRng = new SeededRandom(o.seed, 'features');
    const noiseRng = new SeededRandom(o.seed, 'noise');
    const drafts = Array.from({ length: o.productCount }, (_, i) => {
      const productId = `p${String(i).padStart(4, '0')}`;
      const k = o.candidateCounts[i % o.candidateCounts.length]!;
      return {
        productId,
        baselineCtr: productRng.uniform(o.baselineCtrRange[0], o.baselineCtrRange[1]),
        dailyImpressions: Math.max(1, Math.round(productRng.logNormal(o.dailyImpressionsMedian, productTrafficSdLog))),
        images: Array.from({ length: k }, (_, j): SimImage => ({
          imageId: `${productId}-c${String(j).padStart(2, '0')}`, productId, features: sampleImageFeatures(featureRng),
        })),
      };
    });
    const images = drafts.flatMap((d) => d.images);

    // g is rescaled on the population itself, so `learnableShare` holds for this market, not for an idealised one.
    const moments = featureMoments(images.map((im) => im.features));
    const raw = images.map((im) => attractiveness(im.features, moments, o.effects));
    const rawMean = raw.reduce((a, b) => a + b, 0) / raw.length;
    const rawSd = Math.sqrt(raw.reduce((a, b) => a + (b - rawMean) ** 2, 0) / raw.length) || 1;
    const gScale = Math.sqrt(o.learnableShare) * o.withinProductLogitSd / rawSd;
    const noiseSd = Math.sqrt(1 - o.learnableShare) * o.withinProductLogitSd;
    const partial = new Map<string, { g: number; e: number }>();
    images.forEach((im, i) => partial.set(im.imageId, { g: (raw[i]! - rawMean) * gScale, e: noiseRng.normal(0, noiseSd) }));

    const truth = new Map<string, SimImageTruth>();
    this.products = drafts.map((d) => {
      const within = d.images.map((im) => partial.get(im.imageId)!);
      const offsetLogit = solveOffset(within.map((x) => x.g + x.e), d.baselineCtr);
      d.images.forEach((im, j) => {
        const { g, e } = within[j]!;
        truth.set(im.imageId, { trueCtr: sigmoid(offsetLogit + g + e), learnableLogit: g, noiseLogit: e });
      });
      return { productId: d.productId, baselineCtr: d.baselineCtr, offsetLogit, dailyImpressions: d.dailyImpressions, imageIds: d.images.map((im) => im.imageId) };
    });
    this.images = images;
    this.#truth = truth;
    this.#imagesByProduct = new Map(drafts.map((d) => [d.productId, d.images]));
  }

  /** What only the simulator knows about one image. */
  truth(imageId: string): SimImageTruth {
    const t = this.#truth.get(imageId);
    if (!t) throw new RangeError(`no simulated image ${imageId}`);
    return t;
  }

  /** The candidates of one product, in a fixed order. */
  candidates(productId: string): readonly SimImage[] {
    const c = this.#imagesByProduct.get(productId);
    if (!c) throw new RangeError(`no simulated product ${productId}`);
    return c;
  }

  /** True CTR of an image on a given day (the weekly rhythm included). */
  ctr(imageId: string, day: number): number {
    const t = this.truth(imageId);
    return sigmoid(Math.log(t.trueCtr / (1 - t.trueCtr)) + weeklyLogit(day));
  }

  /** The logged traffic: every product's impressions each day split uniformly among its candidates, clicks drawn. */
  clickLog(): readonly ClickLogRow[] {
    if (this.#log) return this.#log;
    const trafficRng = new SeededRandom(this.options.seed, 'log-traffic');
    const clickRng = new SeededRandom(this.options.seed, 'log-clicks');
    const rows: ClickLogRow[] = [];
    for (let day = 0; day < this.options.days; day++) {
      for (const p of this.products) {
        let remaining = dailyTraffic(p, trafficRng, 1);
        const ids = p.imageIds;
        ids.forEach((imageId, j) => {
          // Multinomial with equal cells, drawn as a chain of binomials over what is left.
          const impressions = j === ids.length - 1 ? remaining : trafficRng.binomial(remaining, 1 / (ids.length - j));
          remaining -= impressions;
          rows.push({ day, productId: p.productId, imageId, impressions, clicks: clickRng.binomial(impressions, this.ctr(imageId, day)) });
        });
      }
    }
    this.#log = rows;
    return rows;
  }

  /** The click log joined with each image's features, in `simFeatureNames` order: what the trainer reads. */
  dataset(): CtrDataset {
    const vectors = new Map(this.images.map((im) => [im.imageId, simFeatureNames.map((n) => im.features[n])]));
    const rows: CtrRow[] = this.clickLog().map((r) => ({ ...r, features: vectors.get(r.imageId)! }));
    const o = this.options;
    return {
      featureNames: simFeatureNames,
      rows,
      description: `click simulator (seed ${o.seed}, learnable share R² = ${o.learnableShare}, ${o.productCount} products, `
        + `K ∈ {${o.candidateCounts.join(', ')}}, ${o.days} days from ${o.startDate}, uniform allocation)`,
    };
  }

  /**
   * Replay shoppers through a policy: for each day, each product, each impression, the policy picks a candidate and
   * the shopper clicks with that image's true CTR. Everything a policy may need comes through `choose`/`observe`.
   */
  replay(policy: ReplayPolicy, options: ReplayOptions = {}): ReplayResult {
    const days = options.days ?? this.options.days;
    const scale = options.trafficScale ?? 1;
    const seed = options.seed ?? this.options.seed;
    const trafficRng = new SeededRandom(seed, 'replay-traffic');
    const clickRng = new SeededRandom(seed, 'replay-clicks');
    const byImage = new Map<string, { impressions: number; clicks: number }>();
    let impressions = 0;
    let clicks = 0;
    let expectedClicks = 0;
    let bestExpectedClicks = 0;
    for (let day = 0; day < days; day++) {
      for (const p of this.products) {
        const candidates = this.candidates(p.productId);
        const ctrs = new Map(candidates.map((im) => [im.imageId, this.ctr(im.imageId, day)]));
        const best = Math.max(...ctrs.values());
        const context: ReplayContext = { productId: p.productId, day, candidates };
        const n = dailyTraffic(p, trafficRng, scale);
        for (let t = 0; t < n; t++) {
          const u = clickRng.next(); // drawn before the choice, so every policy meets the same shopper
          const imageId = policy.choose(context);
          const ctr = ctrs.get(imageId);
          if (ctr === undefined) throw new RangeError(`policy chose ${imageId}, not a candidate of ${p.productId}`);
          const clicked = u < ctr;
          const tally = byImage.get(imageId) ?? { impressions: 0, clicks: 0 };
          tally.impressions++;
          if (clicked) tally.clicks++;
          byImage.set(imageId, tally);
          impressions++;
          if (clicked) clicks++;
          expectedClicks += ctr;
          bestExpectedClicks += best;
          policy.observe?.({ productId: p.productId, imageId, day, clicked });
        }
      }
    }
    return { impressions, clicks, expectedClicks, bestExpectedClicks, byImage };
  }
}

/** The shared weekly rhythm: day 0 is a Thursday-like weekday, the peak falls on the weekend. */
function weeklyLogit(day: number): number {
  return weeklyLogitAmplitude * Math.sin((2 * Math.PI * (day + 5)) / 7);
}

function dailyTraffic(p: SimProduct, rng: SeededRandom, scale: number): number {
  return Math.max(0, Math.round(p.dailyImpressions * scale * Math.exp(rng.normal(0, dailyTrafficSdLog))));
}

/** The offset a with mean σ(a + z_k) = target, by bisection: monotone in a, so 100 halvings reach float precision. */
function solveOffset(logits: readonly number[], target: number): number {
  let lo = -30;
  let hi = 10;
  for (let i = 0; i < 100; i++) {
    const mid = (lo + hi) / 2;
    const mean = logits.reduce((s, z) => s + sigmoid(mid + z), 0) / logits.length;
    if (mean < target) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}
