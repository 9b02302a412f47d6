import type { KeepJobs } from 'bullmq';

/**
 * How long BullMQ keeps finished jobs. The database is the truth: a completed job is only a result waiting to be
 * recorded, so the manager removes it as soon as it has recorded it (see the render and score recorders); the age
 * below only bounds a result nobody records (the API down for a day). Without that removal Redis grew with every
 * finished SKU of a launch (a day's worth of jobs, each holding its data and return value).
 */
export const keepCompletedJobs = { age: 24 * 60 * 60 } satisfies KeepJobs;

/**
 * Failed jobs stay for inspection (failedReason, stack) and so the reconciler does not enqueue a failed score again
 * on every pass, bounded by age and by count per queue: a launch where every render fails cannot fill Redis.
 */
export const keepFailedJobs = { age: 24 * 60 * 60, count: 2000 } satisfies KeepJobs;

/** A flow parent (one per job) has done its work when it completes (it recorded every child): it goes at once. */
export const keepCompletedFlowParents = true;
