import { chargeForTime, splitProportionally } from './money.ts';

/** One server-hour of a self-hosted GPU: how long it was up, how long it rendered, and the images it made, by job. */
export interface ServerHour {
  healthyMs: number;
  busyMs: number;
  milliFenPerHour: number;
  /** Images the server produced that hour, by job id. */
  imagesByJob: ReadonlyMap<string, number>;
}

export interface IdleShare { jobId: string | null; idleMs: number; amountMilliFen: number }

/**
 * The idle part of a server-hour (up but not rendering), charged at the server's rate and spread over the jobs whose
 * images it made that hour, in proportion to their images, so "per image" is the true total. An hour with no images
 * keeps its idle cost as one line with no job: the farm still paid it.
 */
export function spreadIdle(h: ServerHour): IdleShare[] {
  const idleMs = Math.max(0, h.healthyMs - h.busyMs);
  if (idleMs === 0) return [];
  const amount = chargeForTime(idleMs, h.milliFenPerHour);
  const jobs = [...h.imagesByJob.entries()].filter(([, n]) => n > 0).sort(([a], [b]) => a.localeCompare(b));
  if (jobs.length === 0) return [{ jobId: null, idleMs, amountMilliFen: amount }];
  const weights = jobs.map(([, n]) => n);
  const amounts = splitProportionally(amount, weights);
  const times = splitProportionally(idleMs, weights);
  return jobs.map(([jobId], i) => ({ jobId, idleMs: times[i]!, amountMilliFen: amounts[i]! }));
}
