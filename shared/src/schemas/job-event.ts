import { z } from 'zod';
import { Id } from './ids.ts';
import { JobStatus } from './job.ts';
import { TaskStatus } from './task.ts';

/** What the job's Server-Sent Events stream carries; `seq` is the SSE id, increasing per job. */
export const JobEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('task-progress'), seq: z.int(), jobId: Id, taskId: Id, progress: z.number(), stage: z.string() }),
  z.object({ type: z.literal('task-done'), seq: z.int(), jobId: Id, taskId: Id, status: TaskStatus, outputAssetIds: z.array(Id) }),
  z.object({ type: z.literal('job-done'), seq: z.int(), jobId: Id, status: JobStatus }),
]);
export type JobEvent = z.infer<typeof JobEvent>;
