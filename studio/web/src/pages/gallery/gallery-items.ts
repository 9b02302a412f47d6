import type { JobOutput } from '@shotfarm/shared';
import { getJob, listJobs } from '../../api/client.ts';

/** One generated image as the gallery shows it: the output and the job it came from. */
export interface GalleryItem extends JobOutput {
  jobId: string;
  recipeId: string;
  createdAt: string;
}

/** Newest jobs the gallery reads outputs from (one page of `GET /api/jobs`). */
const jobsPerLoad = 100;

/**
 * Every output of the newest succeeded jobs, newest first. The API has no output listing, so this reads
 * the job list and then each job; an `/api/outputs` endpoint would make it one request.
 */
export async function loadGalleryItems(signal?: AbortSignal): Promise<GalleryItem[]> {
  const page = await listJobs({ status: 'succeeded', limit: jobsPerLoad }, signal);
  const jobs = await Promise.all(page.items.map((j) => getJob(j.id, signal)));
  return jobs.flatMap((job) => job.outputs.map((o) => ({ ...o, jobId: job.id, recipeId: job.recipe.id, createdAt: job.createdAt })));
}
