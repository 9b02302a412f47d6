import fp from 'fastify-plugin';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ApiError, Id, JobAccepted, JobList, JobListQuery, JobRequest, JobView } from '@shotfarm/shared';
import { JobFinishedError, JobNotFoundError } from '../errors.ts';
import { hashJsonBody, IdempotencyHeaders } from '../services/requests/idempotency.ts';
import { cancelJob } from '../services/jobs/job-cancellation.ts';
import { retryFailedTasks } from '../services/jobs/job-retry.ts';
import { listJobs, loadJobView } from '../services/jobs/job-view.ts';

const JobParams = z.object({ id: Id });

const routes: FastifyPluginAsyncZod = async (app) => {
  app.post('/api/jobs', {
    config: { access: 'designer', rateLimitClass: 'jobs' },
    schema: { tags: ['jobs'], summary: 'Submit a job; send `Idempotency-Key` to retry safely (same key and body → the same job for 24 h)', headers: IdempotencyHeaders, body: JobRequest, response: { 201: JobAccepted, '4xx': ApiError } },
  }, async (req, reply) => app.idempotent(req, reply, hashJsonBody(req.body),
    async () => ({ statusCode: 201, body: await app.farm.submission.submit(req.body, { createdBy: req.user?.id ?? null }) })));

  app.get('/api/jobs', {
    config: { access: 'authenticated' },
    schema: { tags: ['jobs'], summary: 'Jobs, newest first, cursor-paged', querystring: JobListQuery, response: { 200: JobList, '4xx': ApiError } },
  }, async (req) => listJobs(app.db, req.query, app.storage));

  app.get('/api/jobs/:id', {
    config: { access: 'authenticated' },
    schema: { tags: ['jobs'], summary: 'A job with its tasks and outputs', params: JobParams, response: { 200: JobView, '4xx': ApiError } },
  }, async (req) => {
    const view = await loadJobView(app.db, app.storage, req.params.id);
    if (!view) throw new JobNotFoundError(req.params.id);
    return view;
  });

  app.post('/api/jobs/:id/cancel', {
    config: { access: 'designer', rateLimitClass: 'jobs' },
    schema: { tags: ['jobs'], summary: 'Cancel a job: queued tasks are removed, running ones stopped', params: JobParams, response: { 200: JobView, '4xx': ApiError } },
  }, async (req) => {
    const before = await loadJobView(app.db, app.storage, req.params.id);
    if (!before) throw new JobNotFoundError(req.params.id);
    if (before.status === 'succeeded' || before.status === 'failed') throw new JobFinishedError(before.id, before.status);
    await cancelJob(before.id, { recorder: app.farm.recorder, enqueuer: app.farm.enqueuer, queues: app.queues });
    return (await loadJobView(app.db, app.storage, before.id))!;
  });

  app.post('/api/jobs/:id/retry', {
    config: { access: 'designer', rateLimitClass: 'jobs' },
    schema: { tags: ['jobs'], summary: "Retry a finished job's failed tasks; its succeeded tasks keep their outputs", params: JobParams,
      response: { 200: JobView, '4xx': ApiError } },
  }, async (req) => {
    await retryFailedTasks(req.params.id, { recorder: app.farm.recorder, enqueuer: app.farm.enqueuer });
    return (await loadJobView(app.db, app.storage, req.params.id))!;
  });
};

export const jobRoutes = fp(routes, { name: 'shotfarm-job-routes', fastify: '5.x', encapsulate: true,
  dependencies: ['shotfarm-db', 'shotfarm-storage', 'shotfarm-queue', 'shotfarm-farm', 'shotfarm-idempotency'] });
