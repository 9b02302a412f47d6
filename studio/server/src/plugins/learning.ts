import fp from 'fastify-plugin';
import { ModelRetrainJob } from '../services/learning/model-retrain-job.ts';
import { QualityLabels } from '../services/learning/quality-labels.ts';
import { TrainingData } from '../services/learning/training-data.ts';

/** The learning loop (issue 17): training data from the farm's clicks, and retraining as a BullMQ job. */
export interface Learning {
  trainingData: TrainingData;
  retrain: ModelRetrainJob;
  /** Designers' verdicts as the quality head's labels. */
  qualityLabels: QualityLabels;
}

declare module 'fastify' {
  interface FastifyInstance { learning: Learning }
}

export const learningPlugin = fp(async (app) => {
  const trainingData = new TrainingData(app.db);
  const qualityLabels = new QualityLabels(app.db);
  const retrain = new ModelRetrainJob({
    redisUrl: app.queues.redisUrl, prefix: app.queues.prefix, storage: app.storage, registry: app.farm.models, trainingData, log: app.log,
    audit: app.accounts.audit, cron: app.config.learning.retrainCron, qualityLabels, qualityHeadMinLabels: app.config.learning.qualityHeadMinLabels,
  });
  app.decorate('learning', { trainingData, retrain, qualityLabels });
  app.addHook('onReady', async () => {
    // The learned quality head is not a shipped model, so the farm's start-up does not publish it: copy the database's
    // answer (a head, or none: the composite) to the pointer scorers read, as Redis may have been emptied or be stale.
    if (!(await app.farm.models.publishActive('quality'))) await app.farm.models.deactivate('quality');
    await retrain.start();
  });
  app.addHook('preClose', async () => { await retrain.close(); });
}, { name: 'shotfarm-learning', fastify: '5.x', dependencies: ['shotfarm-config', 'shotfarm-db', 'shotfarm-queue', 'shotfarm-storage', 'shotfarm-farm', 'shotfarm-auth'] });
