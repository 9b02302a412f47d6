import { z } from 'zod';

/**
 * What a CTR model's clicks came from. `simulator`: the project's own click simulator, whose "truth" is
 * hand-written coefficients — its output ranks candidates of one product and must not be shown as a CTR.
 * `clicks`: impressions and clicks logged from shoppers (ingested by `/events` or imported), so a calibrated CTR
 * with an interval may be shown. `labels`: a learned quality head, trained on designers' approvals and rejections.
 */
export const ModelTrainedOn = z.enum(['simulator', 'clicks', 'labels']);
export type ModelTrainedOn = z.infer<typeof ModelTrainedOn>;

/** Where a version stands: `candidate` trained, not serving; `active` serving; `shadow` scoring beside the active one; `retired` replaced. */
export const ModelStatus = z.enum(['candidate', 'active', 'shadow', 'retired']);
export type ModelStatus = z.infer<typeof ModelStatus>;

/**
 * The part of a model's stored metadata (`models.metadata`, the scorer's `LogisticCtrModel` JSON) that the API
 * and the studio read. Loose: the scorer stores more (weights, means). A metadata without `trainedOn` predates
 * the field; only the simulator-trained v1 shipped then, so it reads as `simulator` — the cautious answer.
 */
export const CtrModelMetadata = z.looseObject({
  trainedOn: ModelTrainedOn.default('simulator'),
  trainedAt: z.string().optional(),
  metrics: z.looseObject({
    withinProductAuc: z.number(),
    withinProductAucCi95: z.tuple([z.number(), z.number()]),
    expectedCalibrationError: z.number(),
    trainImpressions: z.int().nonnegative(),
    trainClicks: z.int().nonnegative(),
    testImpressions: z.int().nonnegative(),
    testClicks: z.int().nonnegative(),
    /** Mean binomial log-loss per impression on the test rows (models trained by the learning loop). */
    logLoss: z.number().optional(),
  }).optional(),
  training: z.looseObject({ data: z.string(), split: z.string().optional() }).optional(),
  /** First and last day of the training data (models trained by the learning loop). */
  dataWindow: z.object({ from: z.iso.date(), to: z.iso.date() }).optional(),
  /** Training rows (image × day aggregates). */
  rows: z.int().nonnegative().optional(),
  /** The paired evaluation against the version active when it was trained (models trained by the learning loop). */
  comparison: z.unknown().optional(),
});
export type CtrModelMetadata = z.infer<typeof CtrModelMetadata>;

/**
 * A candidate against the active model on the same held-out days (the paired evaluation promotion rests on).
 * Gains are positive when the candidate is better: AUC candidate − active; log-loss active − candidate.
 */
export const ModelComparison = z.object({
  /** Products and impressions of the held-out rows both models were scored on. */
  products: z.int().nonnegative(),
  impressions: z.int().nonnegative(),
  active: z.object({ withinProductAuc: z.number(), logLoss: z.number() }),
  candidate: z.object({ withinProductAuc: z.number(), logLoss: z.number() }),
  aucGain: z.number(),
  aucGainCi95: z.tuple([z.number(), z.number()]),
  logLossGain: z.number(),
  logLossGainCi95: z.tuple([z.number(), z.number()]),
  bootstrapSamples: z.int().nonnegative(),
  /**
   * Two-sided confidence of the two gain intervals (the `…Ci95` fields keep their names): 0.95 for the first candidate
   * compared with an active version, higher for each later one (see the retrain job). Absent on older cards: 0.95.
   */
  confidence: z.number().default(0.95),
  /** `better`: both intervals lie above zero; only then is the candidate promoted without an override. */
  decision: z.enum(['better', 'not-better']),
});
export type ModelComparison = z.infer<typeof ModelComparison>;
/** `againstVersion` 0: a quality head compared with the transparent composite (no learned head was active). */
export const ModelComparisonAgainst = ModelComparison.extend({ againstVersion: z.int().nonnegative() });
export type ModelComparisonAgainst = z.infer<typeof ModelComparisonAgainst>;

/** A model's card as the API answers it: what it was trained on and what its offline numbers mean. */
export const ModelCard = z.object({
  trainedOn: ModelTrainedOn,
  /** The training data, said plainly (the scorer's `training.data`). */
  data: z.string(),
  dataWindow: z.object({ from: z.iso.date(), to: z.iso.date() }).nullable(),
  rows: z.int().nonnegative().nullable(),
  impressions: z.int().nonnegative().nullable(),
  clicks: z.int().nonnegative().nullable(),
  metrics: z.object({
    /** Impression-weighted AUC between images of the same product, on held-out days; 0.5 = no better than chance. */
    withinProductAuc: z.number(),
    withinProductAucCi95: z.tuple([z.number(), z.number()]),
    /** Mean |predicted − observed| CTR over equal-impression bins, in CTR units: the ± band of a shown CTR. */
    expectedCalibrationError: z.number(),
    logLoss: z.number().nullable(),
  }).nullable(),
  /** Against the version active when it was trained; null for the shipped model. */
  comparison: ModelComparisonAgainst.nullable(),
});
export type ModelCard = z.infer<typeof ModelCard>;

/** Most prediction pairs a shadow comparison carries for its chart: enough to see the cloud, small enough per version. */
export const maxShadowPoints = 200;

/** One stored model version (`GET /api/models`). */
export const ModelVersionView = z.object({
  name: z.string(),
  version: z.int().positive(),
  /** What score rows record, e.g. `ctr-v1`. */
  modelVersion: z.string(),
  status: ModelStatus,
  card: ModelCard,
  createdAt: z.iso.datetime(),
  /** Who made it active (user id); null for the shipped model activated at start-up and for versions never promoted. */
  promotedBy: z.string().nullable(),
  /**
   * What its shadow period scored so far: images scored by it beside the active model, and how alike the two rank
   * them (Spearman's ρ of the two predictions; null under 3 images). Null when it never scored in shadow.
   */
  shadow: z.object({
    images: z.int().nonnegative(), spearman: z.number().nullable(), meanShift: z.number(),
    /** Up to `maxShadowPoints` (active, shadow) prediction pairs, evenly spread over the stored ones: the Models page's chart. */
    points: z.array(z.object({ active: z.number(), shadow: z.number() })).max(200),
  }).nullable(),
});
export type ModelVersionView = z.infer<typeof ModelVersionView>;

export const ModelVersionList = z.object({ items: z.array(ModelVersionView) });

/** `POST /api/models/train`: retrain the CTR model on the farm's training data (and imports). */
export const TrainModelRequest = z.strictObject({
  /** `ctr` (clicks) or `quality` (designers' labels; refused until there are `QUALITY_HEAD_MIN_LABELS`). @defaultValue ctr */
  name: z.enum(['ctr', 'quality']).default('ctr'),
  /** Days at the end of the data held out for the comparison. @defaultValue 7 */
  holdoutDays: z.int().min(1).max(90).default(7),
  /** Promote the candidate at once when it is better (the interval excludes zero). @defaultValue true */
  promote: z.boolean().default(true),
});
export type TrainModelRequest = z.infer<typeof TrainModelRequest>;

export const TrainModelAccepted = z.object({ jobId: z.string() });

/** `GET /api/models/train/:jobId`: where a retraining run stands; `failedReason` starts with its SF_ code. */
export const TrainRunView = z.object({
  jobId: z.string(),
  state: z.enum(['waiting', 'active', 'completed', 'failed', 'unknown']),
  outcome: z.object({ version: z.int().positive(), promoted: z.boolean(), decision: z.enum(['better', 'not-better']) }).nullable(),
  failedReason: z.string().nullable(),
});
export type TrainRunView = z.infer<typeof TrainRunView>;

/** `POST /api/models/:version/activate`: rollback, or promotion; `override` activates a candidate not shown better (audited). */
export const ActivateModelRequest = z.strictObject({ name: z.string().regex(/^[a-z][a-z0-9-]*$/).default('ctr'), override: z.boolean().default(false) });
export type ActivateModelRequest = z.infer<typeof ActivateModelRequest>;
export type ModelVersionList = z.infer<typeof ModelVersionList>;

/** The card of a stored model from its metadata; fields the metadata lacks are null, never guessed. */
export function modelCardOf(metadata: unknown): ModelCard {
  const m = CtrModelMetadata.parse(metadata ?? {});
  const metrics = m.metrics;
  return {
    trainedOn: m.trainedOn,
    data: m.training?.data ?? (m.trainedOn === 'simulator' ? 'simulated clicks' : 'logged clicks'),
    dataWindow: m.dataWindow ?? null,
    rows: m.rows ?? null,
    // A quality head is cross-validated: every label trains it and is held out once, so its test counts are all of them
    // (one "impression" per reviewed output, one "click" per approval), not a second set to add.
    impressions: metrics ? (m.trainedOn === 'labels' ? metrics.testImpressions : metrics.trainImpressions + metrics.testImpressions) : null,
    clicks: metrics ? (m.trainedOn === 'labels' ? metrics.testClicks : metrics.trainClicks + metrics.testClicks) : null,
    metrics: metrics ? {
      withinProductAuc: metrics.withinProductAuc, withinProductAucCi95: metrics.withinProductAucCi95,
      expectedCalibrationError: metrics.expectedCalibrationError, logLoss: metrics.logLoss ?? null,
    } : null,
    comparison: m.comparison === undefined ? null : ModelComparisonAgainst.parse(m.comparison),
  };
}
