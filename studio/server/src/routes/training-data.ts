import fp from 'fastify-plugin';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ApiError, trainingDataCsv, TrainingImportResult } from '@shotfarm/shared';
import { TrainingDataInvalidError } from '../errors.ts';

/** A year of a busy shop's rows with 60 feature columns fits; anything bigger goes in several requests. */
const maxImportBytes = 64 * 1024 * 1024;

const DayWindowQuery = z.strictObject({ from: z.iso.date().optional(), to: z.iso.date().optional() });

const routes: FastifyPluginAsyncZod = async (app) => {
  const { trainingData } = app.learning;
  // Only these routes take CSV bodies (the plugin is encapsulated).
  app.addContentTypeParser(['text/csv', 'text/plain'], { parseAs: 'string', bodyLimit: maxImportBytes }, (_req, body, done) => done(null, body));

  app.get('/api/training-data.csv', {
    config: { access: 'admin' },
    schema: {
      tags: ['scores'],
      summary: 'The learning loop\'s training data as CSV: impressions and clicks per image, SKU and UTC day (from /serve and /events, and imported logs), with the share of traffic the experiment allocated and the image\'s features (format: README, shared TrainingDataRow)',
      querystring: DayWindowQuery,
      response: { 200: z.string(), '4xx': ApiError },
    },
  }, async (req, reply) => {
    const rows = await trainingData.rows(req.query);
    return reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="training-data.csv"').send(trainingDataCsv(rows));
  });

  app.post('/api/training-data', {
    config: { access: 'admin' },
    schema: {
      tags: ['scores'],
      summary: 'Import outside click logs in the export\'s CSV format (text/csv). Every row is checked; one bad row refuses the whole file (422 SF_TRAINING_DATA_INVALID, details.rejected) and nothing is stored',
      response: { 201: TrainingImportResult, '4xx': ApiError },
    },
  }, async (req, reply) => {
    if (typeof req.body !== 'string') throw new TrainingDataInvalidError('send the rows as text/csv');
    return reply.code(201).send(await trainingData.importCsv(req.body, req.user?.id ?? null));
  });
};

export const trainingDataRoutes = fp(routes, { name: 'shotfarm-training-data-routes', fastify: '5.x', encapsulate: true, dependencies: ['shotfarm-db', 'shotfarm-learning'] });
