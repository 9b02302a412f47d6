import { z } from 'zod';
import { Id } from './ids.ts';
import { Params } from './params.ts';
import { RenderUsage } from './render-usage.ts';

/** `skipped_budget`: never run because the job's budget or the daily cap was spent (nothing was charged for it). */
export const TaskStatus = z.enum(['queued', 'running', 'succeeded', 'failed', 'canceled', 'skipped_budget']);
export type TaskStatus = z.infer<typeof TaskStatus>;
export const terminalTaskStatuses: readonly TaskStatus[] = ['succeeded', 'failed', 'canceled', 'skipped_budget'];

/** One variant of a job: one render on one backend, with its own fixed seed and parameters. */
export const Task = z.object({
  id: Id,
  jobId: Id,
  index: z.int().nonnegative(),
  status: TaskStatus,
  progress: z.number().min(0).max(1),
  params: Params,
  seed: z.int().nonnegative(),
  attempts: z.int().nonnegative(),
  /** Times a person retried it after it failed for good; `attempts` counts the current run. */
  retries: z.int().nonnegative(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  /** The backend that rendered it and what it spent there (null until it succeeded; null usage on the CPU). */
  backend: z.string().nullable(),
  usage: RenderUsage.nullable(),
  startedAt: z.iso.datetime().nullable(),
  finishedAt: z.iso.datetime().nullable(),
});
export type Task = z.infer<typeof Task>;
