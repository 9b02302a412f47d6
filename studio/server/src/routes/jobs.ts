import fp from 'fastify-plugin';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ApiError, Id, JobAccepted, JobList, JobListQuery, JobRequest, JobView } from '@shotfarm/shared';
import { JobFinishedError, JobNotFoundError } from '../errors.ts';
import { cancelJob } from '../services/job-cancellation.ts';
import { retryFailedTasks } from '../services/job-retry.ts';
import { listJobs, loadJobView } from '../services/job-view.ts';

const JobParams = z.object({ id: Id });

const routes: FastifyPluginAsyncZod = async (app) => {
  app.post('/api/jobs', {
    schema: { tags: ['jobs'], summary: 'Submit a job', body: JobRequest, response: { 201: JobAccepted, '4xx': ApiError } },
  }, async (req, reply) => reply.code(201).send(await app.farm.submission.submit(req.body)));

  app.get('/api/jobs', {
    schema: { tags: ['jobs'], summary: 'Jobs, newest first, cursor-paged', querystring: JobListQuery, response: { 200: JobList, '4xx': ApiError } },
  }, async (req) => listJobs(app.db, req.query));

  app.get('/api/jobs/:id', {
    schema: { tags: ['jobs'], summary: 'A job with its tasks and outputs', params: JobParams, response: { 200: JobView, '4xx': ApiError } },
  }, async (req) => {
    const view = await loadJobView(app.db, app.storage, req.params.id);
    if (!view) throw new JobNotFoundError(req.params.id);
    return view;
  });

  app.post('/api/jobs/:id/cancel', {
    schema: { tags: ['jobs'], summary: 'Cancel a job: queued tasks are removed, running ones stopped', params: JobParams, response: { 200: JobView, '4xx': ApiError } },
  }, async (req) => {
    const before = await loadJobView(app.db, app.storage, req.params.id);
    if (!before) throw new JobNotFoundError(req.params.id);
    if (before.status === 'succeeded' || before.status === 'failed') throw new JobFinishedError(before.id, before.status);
    await cancelJob(before.id, { recorder: app.farm.recorder, enqueuer: app.farm.enqueuer, queues: app.queues });
    return (await loadJobView(app.db, app.storage, before.id))!;
  });

  app.post('/api/jobs/:id/retry', {
    schema: { tags: ['jobs'], summary: "Retry a finished job's failed tasks; its succeeded tasks keep their outputs", params: JobParams,
      response: { 200: JobView, '4xx': ApiError } },
  }, async (req) => {
    await retryFailedTasks(req.params.id, { recorder: app.farm.recorder, enqueuer: app.farm.enqueuer });
    return (await loadJobView(app.db, app.storage, req.params.id))!;
  });
};

export const jobRoutes = fp(routes, { name: 'shotfarm-job-routes', fastify: '5.x', encapsulate: true,
  dependencies: ['shotfarm-db', 'shotfarm-storage', 'shotfarm-queue', 'shotfarm-farm'] });
