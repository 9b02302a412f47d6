import { z } from 'zod';

/**
 * One training example of the learned quality head (issue 17): a designer's latest verdict on a scored output, with
 * that output's stored features (its newest score) and the product (SKU, or the job when it has none) it was made
 * for, so the trainer can give each product its own offset and the comparison can rank within a product.
 */
export const QualityLabel = z.strictObject({
  asset: z.string().min(1),
  product: z.string().min(1),
  /** 1: approved; 0: rejected. */
  label: z.union([z.literal(0), z.literal(1)]),
  features: z.record(z.string(), z.number()),
});
export type QualityLabel = z.infer<typeof QualityLabel>;

/** The labels file the manager writes for a quality `TrainTask`. */
export const QualityLabelsFile = z.array(QualityLabel);

/** `GET /api/models/quality-labels`: how many labels there are and how many a learned quality head needs. */
export const QualityLabelStatus = z.object({
  /** Reviewed outputs that have score features (each asset once, its latest verdict). */
  labels: z.int().nonnegative(),
  approved: z.int().nonnegative(),
  rejected: z.int().nonnegative(),
  /** `QUALITY_HEAD_MIN_LABELS`. */
  needed: z.int().positive(),
  /** The learned quality head serving now (e.g. `quality-v2`), or null: the transparent composite is the quality score. */
  activeVersion: z.string().nullable(),
});
export type QualityLabelStatus = z.infer<typeof QualityLabelStatus>;
