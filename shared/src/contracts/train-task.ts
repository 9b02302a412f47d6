import { z } from 'zod';
import { ModelComparison } from '../schemas/model-version.ts';
import { TrainingDataRow } from '../schemas/training-data.ts';
import { ActiveModelPointer } from './score-task.ts';

/**
 * What the manager enqueues on the `train` queue (issue 17): retrain the CTR model on rows it exported to storage.
 * The trainer (a scorer worker) reads only storage — the rows and the active model's ONNX — and never the database.
 */
export const TrainTask = z.strictObject({
  name: z.string().regex(/^[a-z][a-z0-9-]*$/),
  /**
   * `ctr`: rows are `TrainingDataRow`s (clicks). `quality`: rows are `QualityLabel`s (designers' verdicts); the head
   * uses `active`'s (the CTR model's) features and is compared with `activeQuality`, or with the transparent
   * composite while no learned head is active. @defaultValue ctr
   */
  kind: z.enum(['ctr', 'quality']).default('ctr'),
  /** The learned quality head serving now (quality tasks); null: the composite is the baseline. */
  activeQuality: ActiveModelPointer.nullable().default(null),
  /** Fewest labels a quality head is trained on (`QUALITY_HEAD_MIN_LABELS`); the trainer checks it again. */
  minLabels: z.int().positive().default(200),
  /** The version the candidate will have. */
  version: z.int().positive(),
  /** Storage key of the rows: a JSON array of `TrainingDataRow`. */
  dataKey: z.string().min(1),
  /** The model serving now: its features are the candidate's, and the comparison is against it. */
  active: ActiveModelPointer,
  /** Last days of the data held out for the comparison (the time split). */
  holdoutDays: z.int().min(1),
  l2: z.number().nonnegative().default(1e-4),
  bootstrapSamples: z.int().min(100).max(10_000).default(1000),
  /** Two-sided confidence of the comparison's intervals; the manager raises it with each look at the same active model. */
  confidence: z.number().min(0.5).max(0.9999).default(0.95),
});
export type TrainTask = z.infer<typeof TrainTask>;

/** The training rows file the manager writes for a `TrainTask`. */
export const TrainingRowsFile = z.array(TrainingDataRow);

/** What the trainer reports back: the candidate's ONNX in storage, its metadata (card), and the paired comparison. */
export const TrainResult = z.strictObject({
  name: z.string(),
  version: z.int().positive(),
  key: z.string().min(1),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  metadata: z.record(z.string(), z.unknown()),
  /** `againstVersion` 0: compared with the transparent quality composite. */
  comparison: ModelComparison.extend({ againstVersion: z.int().nonnegative() }),
});
export type TrainResult = z.infer<typeof TrainResult>;
