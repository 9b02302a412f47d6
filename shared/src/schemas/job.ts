import { z } from 'zod';
import { Id } from './ids.ts';
import { JobType } from './job-type.ts';
import { ParamValue, Params } from './params.ts';
import { ManifestSha256, RecipeId, RecipeRef } from './recipe-ref.ts';
import { Task } from './task.ts';
import { JobCost, RoutingDecision } from './cost-entry.ts';

export const JobStatus = z.enum(['queued', 'running', 'succeeded', 'failed', 'canceled']);
export type JobStatus = z.infer<typeof JobStatus>;
export const terminalJobStatuses: readonly JobStatus[] = ['succeeded', 'failed', 'canceled'];

export const maxVariants = 16;

/** Values one sweep axis may take; a bigger grid is better run as two jobs. */
export const maxSweepValues = 16;
/** Tasks a job may fan out into: grid cells × variants. */
export const maxJobTasks = 64;

/**
 * One axis of a parameter sweep: a numeric or enum recipe parameter and the values it takes. The shape is
 * checked here; whether the parameter exists, is sweepable and accepts each value is the recipe's call
 * (422 SF_JOB_SWEEP_INVALID), so `values` is any JSON here.
 */
export const SweepAxis = z.strictObject({
  param: z.string().min(1).max(64),
  values: z.array(ParamValue),
});
export type SweepAxis = z.infer<typeof SweepAxis>;

/** What a client sends to start a job. Strict: an unknown field is an error, never silently dropped. */
export const JobRequest = z.strictObject({
  type: JobType,
  recipe: RecipeId,
  /** A published version of the recipe to pin (issue 13); absent: its newest version that is not deprecated. */
  recipeVersion: z.int().positive().optional(),
  /** Input name → asset id, e.g. `{ product: "…" }`. */
  inputs: z.record(z.string(), Id),
  params: Params.default({}),
  variants: z.int().min(1).max(maxVariants).default(1),
  /** 1 (whenever) … 10 (urgent). @defaultValue 5 */
  priority: z.int().min(1).max(10).default(5),
  /**
   * One or two axes: the job renders every combination of their values (× `variants`), each task with
   * its combination in its params, all sharing the variants' seeds so cells differ only in the swept values.
   */
  sweep: z.array(SweepAxis).optional(),
  /**
   * Where to render. `auto`: among the recipes able to run this job (same type, inputs and parameters) on a backend
   * that can run it now, the lowest expected cost per image that passes the quality gate; the choice and why are
   * recorded on the job (`routing`). A backend name: only recipes on it. Absent: `auto`.
   */
  backend: z.enum(['auto', 'local', 'comfyui', 'replicate']).optional(),
  /** The most this job may spend, integer milli-fen (¥1 = 100,000): refused (402) if its estimate is more, tasks skipped once spent. */
  budget: z.int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
});
export type JobRequest = z.infer<typeof JobRequest>;

export const JobAccepted = z.object({
  id: Id, status: JobStatus,
  /**
   * `enqueued`: on the farm's queue. `deferred`: the queue (Redis) did not answer; the job is committed to the database
   * and the reconciler enqueues it as soon as Redis is back — nothing to resubmit.
   */
  queue: z.enum(['enqueued', 'deferred']).optional(),
});
export type JobAccepted = z.infer<typeof JobAccepted>;

export const JobOutput = z.object({
  assetId: Id,
  taskId: Id,
  url: z.string(),
  thumbnailUrl: z.string().nullable(),
  width: z.int(),
  height: z.int(),
  mime: z.string(),
  params: Params,
});
export type JobOutput = z.infer<typeof JobOutput>;

/** A trial run of an unpublished draft (issue 13), as its job records it. */
export const JobTrial = z.object({
  draftId: z.string(),
  /** The snapshot of the draft's manifest that ran (`recipeTrialKey`); the job's `recipe.trial` too. */
  manifestSha256: ManifestSha256,
  backend: z.string(),
  /** The ComfyUI server the designer chose; null: any able one. */
  server: z.string().nullable(),
});
export type JobTrial = z.infer<typeof JobTrial>;

/** A job as the API shows it. */
export const JobView = z.object({
  id: Id,
  type: JobType,
  recipe: RecipeRef,
  status: JobStatus,
  progress: z.number().min(0).max(1),
  variants: z.int(),
  priority: z.int(),
  /** Times a person retried its failed tasks. */
  retries: z.int().nonnegative(),
  params: Params,
  inputs: z.record(z.string(), Id),
  /** The sweep's axes, with values as the recipe parsed them; absent for a job without a sweep. */
  sweep: z.array(SweepAxis).optional(),
  tasks: z.array(Task),
  outputs: z.array(JobOutput),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
  /** Estimate at submission and the ledger's actual, milli-fen (the job view only, not lists). */
  cost: JobCost.optional(),
  /** How the backend was chosen; absent for jobs from before routing. */
  routing: RoutingDecision.optional(),
  /** Present for a designer's trial run of a draft before publishing it. */
  trial: JobTrial.optional(),
  createdAt: z.iso.datetime(),
  finishedAt: z.iso.datetime().nullable(),
});
export type JobView = z.infer<typeof JobView>;

export const JobSummary = JobView.omit({ tasks: true, outputs: true });
export type JobSummary = z.infer<typeof JobSummary>;

export const JobListQuery = z.strictObject({
  status: JobStatus.optional(),
  type: JobType.optional(),
  /** The `nextCursor` of the previous page. */
  cursor: Id.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
export type JobListQuery = z.infer<typeof JobListQuery>;

/** A job in the list: its summary, how many outputs it has and the first one's thumbnail (for a row a designer recognises). */
export const JobListItem = JobSummary.extend({
  outputCount: z.int().nonnegative(),
  /** The first output's thumbnail (a video's poster); null until an output exists. */
  thumbnailUrl: z.string().nullable(),
});
export type JobListItem = z.infer<typeof JobListItem>;

export const JobList = z.object({ items: z.array(JobListItem), nextCursor: Id.nullable() });
export type JobList = z.infer<typeof JobList>;
