import { z } from 'zod';
import { Id } from './ids.ts';
import { LocalisedText as Localised } from './localised.ts';

/** One marketplace rule, with what was measured and what was required. */
export const GateRule = z.object({
  id: z.string(),
  pass: z.boolean(),
  value: z.union([z.number(), z.string()]),
  threshold: z.string(),
  unit: z.string().optional(),
  message: Localised,
});
export type GateRule = z.infer<typeof GateRule>;

/** A marketplace profile's verdict on one image. */
export const GateResult = z.object({ pass: z.boolean(), rules: z.array(GateRule) });
export type GateResult = z.infer<typeof GateResult>;

export const TextBox = z.object({ leftPx: z.number(), topPx: z.number(), widthPx: z.number(), heightPx: z.number(), score: z.number() });
export type TextBox = z.infer<typeof TextBox>;

/** Everything the scorer says about one image, as stored and as the API answers it. */
export const ImageScore = z.object({
  gate: z.record(z.string(), GateResult),
  features: z.record(z.string(), z.number()),
  phash: z.string().regex(/^[0-9a-f]{16}$/),
  text: z.object({ textAreaRatio: z.number(), boxes: z.array(TextBox) }),
  quality: z.object({
    score: z.number().min(0).max(1), parts: z.record(z.string(), z.number()),
    /**
     * The learned quality head that gave `score` (issue 17, e.g. `quality-v2`: the chance a designer approves it, in a
     * typical product); absent: `score` is the transparent composite of `parts`.
     */
    modelVersion: z.string().optional(),
    /** The composite of `parts`, kept beside a learned head's score so the two can be compared. */
    composite: z.number().min(0).max(1).optional(),
  }),
  ctr: z.object({
    predicted: z.number().min(0).max(1), modelVersion: z.string(),
    /** The shadow model's prediction for the same image (issue 17), while a candidate is in shadow: never served, compared later. */
    shadow: z.object({ predicted: z.number().min(0).max(1), modelVersion: z.string() }).optional(),
  }),
  /** Product fidelity of a generated image against its source product; absent for uploads. */
  fidelity: z.object({ ssim: z.number(), phashSimilarity: z.number(), flagged: z.boolean() }).optional(),
});
export type ImageScore = z.infer<typeof ImageScore>;

export const ScorePending = z.object({ status: z.literal('pending') });

/** A profile's verdict without its measurements: pass, or the first rule that failed. */
export const GateSummary = z.object({
  pass: z.boolean(),
  failedRule: z.object({ id: z.string(), message: Localised }).nullable(),
});
export type GateSummary = z.infer<typeof GateSummary>;

/** What a list of images shows of each score: small enough to send for hundreds of images at once. */
export const ScoreSummary = z.object({
  quality: z.number().min(0).max(1),
  ctr: z.number().min(0).max(1),
  /**
   * `ctr` over the mean `ctr` of the same product's scored candidates (×1.3 = 30% more appealing than this
   * product's average): what a simulator-trained model's output may honestly be shown as. Absent where the
   * product's candidates were not read (a single score polled on its own).
   */
  ctrRelative: z.number().nonnegative().optional(),
  gates: z.record(z.string(), GateSummary),
});
export type ScoreSummary = z.infer<typeof ScoreSummary>;

export const ReviewVerdict = z.enum(['approve', 'reject']);
export type ReviewVerdict = z.infer<typeof ReviewVerdict>;
/** A designer's verdict on a candidate: a label for the learned quality head later. */
export const ReviewRequest = z.strictObject({ verdict: ReviewVerdict, reason: z.string().max(500).optional() });
export type ReviewRequest = z.infer<typeof ReviewRequest>;
export const Review = z.object({ id: Id, assetId: Id, verdict: ReviewVerdict, reason: z.string().nullable(), createdAt: z.iso.datetime() });
export type Review = z.infer<typeof Review>;

export const RankingQuery = z.strictObject({
  k: z.coerce.number().int().min(1).max(64).default(4),
  profile: z.string().default('taobao-main'),
  /** Minimum pHash Hamming distance between picks, so the candidates are not near-duplicates. @defaultValue 8 */
  minDistance: z.coerce.number().int().min(0).max(64).default(8),
});
export type RankingQuery = z.infer<typeof RankingQuery>;

/**
 * The marketplace gate profiles the scorer ships (`scorer/src/gates`; a scorer test keeps the two lists equal).
 * Here so the API can check a requested profile without loading the scorer.
 */
export const GateProfileId = z.enum(['taobao-main', 'taobao-white', 'amazon-main', 'pdd-main']);
export type GateProfileId = z.infer<typeof GateProfileId>;

/** `GET /api/jobs/:id/ranking`: the top K gate-passing outputs by predicted CTR, kept diverse. */
export const JobRanking = z.object({
  jobId: Id, profile: z.string(), k: z.int(),
  /** Outputs not yet scored; the ranking may change once they are. */
  pending: z.int(),
  /** Scored outputs that fail the profile's gate, so never candidates. */
  gateFailed: z.int(),
  picks: z.array(z.object({
    assetId: Id, rank: z.int(), ctr: z.number(),
    /** `ctr` over the mean of the job's scored outputs (see `ScoreSummary.ctrRelative`). */
    ctrRelative: z.number().nonnegative(),
    quality: z.number(), phash: z.string(), url: z.string(), thumbnailUrl: z.string().nullable(),
  })),
});
export type JobRanking = z.infer<typeof JobRanking>;
