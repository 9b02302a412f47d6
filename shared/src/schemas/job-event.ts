import { z } from 'zod';
import { Id } from './ids.ts';
import { JobStatus } from './job.ts';
import { TaskStatus } from './task.ts';
import { RenderPreview } from '../contracts/render-progress.ts';

/** What the job's Server-Sent Events stream carries; `seq` is the SSE id, increasing per job. */
export const JobEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('task-progress'), seq: z.int(), jobId: Id, taskId: Id, progress: z.number(), stage: z.string() }),
  z.object({ type: z.literal('task-done'), seq: z.int(), jobId: Id, taskId: Id, status: TaskStatus, outputAssetIds: z.array(Id) }),
  z.object({ type: z.literal('job-done'), seq: z.int(), jobId: Id, status: JobStatus }),
  /** A person retried the job's failed tasks: they are queued again and a later `job-done` ends the new run. */
  z.object({ type: z.literal('job-retried'), seq: z.int(), jobId: Id, taskIds: z.array(Id), retries: z.int().positive() }),
]);
export type JobEvent = z.infer<typeof JobEvent>;

/**
 * A live preview frame of a running task (ComfyUI sampler previews). Sent on the same stream but never stored and
 * without an SSE id: a client that reconnects has no use for old previews, and they must not move `Last-Event-ID`.
 */
export const TaskPreviewEvent = z.object({ type: z.literal('task-preview'), jobId: Id, taskId: Id, preview: RenderPreview });
export type TaskPreviewEvent = z.infer<typeof TaskPreviewEvent>;
