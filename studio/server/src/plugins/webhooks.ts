import fp from 'fastify-plugin';
import { WebhookService } from '../services/webhooks/webhook-service.ts';

declare module 'fastify' {
  interface FastifyInstance { webhooks: WebhookService }
}

/**
 * Outbound webhooks: job and task events come from the job event bus as they are recorded; launch and experiment
 * endings from a feed over their tables; deliveries are sent, retried and logged by the service.
 */
export const webhooksPlugin = fp(async (app) => {
  const webhooks = new WebhookService({ db: app.db, allowHosts: app.config.operations.webhookAllowHosts, log: app.log });
  app.decorate('webhooks', webhooks);
  const stop = app.farm.bus.subscribeAll((e) => {
    const publish = e.type === 'job-done'
      ? webhooks.publish('job.finished', `msg_job_${e.jobId}_${e.seq}`, { jobId: e.jobId, status: e.status })
      : e.type === 'task-done'
        ? webhooks.publish('task.finished', `msg_task_${e.taskId}_${e.seq}`, { jobId: e.jobId, taskId: e.taskId, status: e.status, outputAssetIds: e.outputAssetIds })
        : undefined;
    publish?.catch((err: unknown) => app.log.warn({ err, jobId: e.jobId }, 'webhooks: recording an event failed'));
  });
  app.addHook('onReady', async () => { webhooks.start(); });
  app.addHook('preClose', async () => { stop(); await webhooks.stop(); });
}, { name: 'shotfarm-webhooks', fastify: '5.x', dependencies: ['shotfarm-config', 'shotfarm-db', 'shotfarm-farm'] });
