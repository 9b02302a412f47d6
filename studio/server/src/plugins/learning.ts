import fp from 'fastify-plugin';
import { ModelRetrainJob } from '../services/learning/model-retrain-job.ts';
import { TrainingData } from '../services/learning/training-data.ts';

/** The learning loop (issue 17): training data from the farm's clicks, and retraining as a BullMQ job. */
export interface Learning {
  trainingData: TrainingData;
  retrain: ModelRetrainJob;
}

declare module 'fastify' {
  interface FastifyInstance { learning: Learning }
}

export const learningPlugin = fp(async (app) => {
  const trainingData = new TrainingData(app.db);
  const retrain = new ModelRetrainJob({
    redisUrl: app.queues.redisUrl, prefix: app.queues.prefix, storage: app.storage, registry: app.farm.models, trainingData, log: app.log,
    audit: app.accounts.audit, cron: app.config.learning.retrainCron,
  });
  app.decorate('learning', { trainingData, retrain });
  app.addHook('onReady', async () => { await retrain.start(); });
  app.addHook('preClose', async () => { await retrain.close(); });
}, { name: 'shotfarm-learning', fastify: '5.x', dependencies: ['shotfarm-config', 'shotfarm-db', 'shotfarm-queue', 'shotfarm-storage', 'shotfarm-farm', 'shotfarm-auth'] });
