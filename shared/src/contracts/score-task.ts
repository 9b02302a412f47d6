import { z } from 'zod';
import { Id } from '../schemas/ids.ts';
import { ImageScore } from '../schemas/score.ts';

/** What the manager enqueues on the `score` queue: an image in storage, and for outputs the product it came from. */
export const ScoreTask = z.strictObject({
  assetId: Id,
  key: z.string().min(1),
  /** The source product photo, for product fidelity; absent for uploads. */
  sourceKey: z.string().min(1).optional(),
});
export type ScoreTask = z.infer<typeof ScoreTask>;

/** What a scorer worker reports back (the job's return value). */
export const ScoreResult = z.strictObject({ assetId: Id, score: ImageScore, scoreMs: z.int().nonnegative() });
export type ScoreResult = z.infer<typeof ScoreResult>;

/** Where scorer workers find the CTR model to use: the manager writes it, workers read it before each task. */
export const ActiveModelPointer = z.strictObject({ name: z.string(), version: z.int().positive(), key: z.string() });
export type ActiveModelPointer = z.infer<typeof ActiveModelPointer>;
