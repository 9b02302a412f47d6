import Fastify, { type FastifyInstance } from 'fastify';
import multipart from '@fastify/multipart';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Config } from '@shotfarm/shared/config';
import type { Database } from '@shotfarm/shared/db';
import { authPlugin, type AuthPluginOptions } from './plugins/auth.ts';
import { configPlugin } from './plugins/config.ts';
import { dbPlugin } from './plugins/db.ts';
import { docsPlugin } from './plugins/docs.ts';
import { edgePlugin } from './plugins/edge.ts';
import { edgeGuardsPlugin } from './plugins/edge-guards.ts';
import { errorHandlerPlugin } from './plugins/error-handler.ts';
import { farmPlugin } from './plugins/farm.ts';
import { experimentsPlugin } from './plugins/experiments.ts';
import { experimentRoutes } from './routes/experiments.ts';
import { slotRoutes } from './routes/slots.ts';
import { storefrontRoutes } from './routes/storefront.ts';
import { idempotencyPlugin } from './plugins/idempotency.ts';
import { uploadsPlugin } from './plugins/uploads.ts';
import { launchesPlugin, type LaunchPhotoFetchOverrides } from './plugins/launches.ts';
import { launchRoutes } from './routes/launches.ts';
import { storageSweepPlugin } from './plugins/storage-sweep.ts';
import { storageSweepRoutes } from './routes/storage-sweep.ts';
import { queuePlugin } from './plugins/queue.ts';
import { dependencyTimeoutsPlugin } from './plugins/dependency-timeouts.ts';
import { metricsPlugin, metricsTokenPlugin } from './plugins/metrics.ts';
import { queueBoardPlugin } from './plugins/queue-board.ts';
import { metricsRoutes } from './routes/metrics.ts';
import { webhooksPlugin } from './plugins/webhooks.ts';
import { webhookRoutes } from './routes/webhooks.ts';
import { storagePlugin } from './plugins/storage.ts';
import { webPlugin } from './plugins/web.ts';
import { routeAccessPlugin } from './plugins/route-access.ts';
import { logRedaction, logSerializers } from './plugins/log-redaction.ts';
import type { ShippedModel } from './services/scores/model-registry.ts';
import { assetLibraryRoutes } from './routes/asset-library.ts';
import { apiKeyRoutes } from './routes/api-keys.ts';
import { assetRoutes } from './routes/assets.ts';
import { auditRoutes } from './routes/audit.ts';
import { costRoutes } from './routes/costs.ts';
import { farmRoutes } from './routes/farm.ts';
import { fileRoutes } from './routes/files.ts';
import { healthRoutes } from './routes/health.ts';
import { jobEventRoutes } from './routes/job-events.ts';
import { jobRoutes } from './routes/jobs.ts';
import { jobRankingRoutes } from './routes/job-ranking.ts';
import { modelRoutes } from './routes/models.ts';
import { learningPlugin } from './plugins/learning.ts';
import { trainingDataRoutes } from './routes/training-data.ts';
import { recipeRoutes } from './routes/recipes.ts';
import { recipeImportRoutes } from './routes/recipe-import.ts';
import { recipeWorkshopRoutes } from './routes/recipe-workshop.ts';
import { replicateWebhookRoutes } from './routes/replicate-webhook.ts';
import { scoreRoutes } from './routes/scores.ts';
import { sessionRoutes } from './routes/session.ts';
import { userRoutes } from './routes/users.ts';
import { comfyObjectInfoSource } from './services/farm/comfy-object-info.ts';

export interface BuildAppOptions {
  config: Config;
  /** Redis the farm runs on: REDIS_URL, or the embedded server the launcher started. */
  redisUrl: string;
  /** An already open database to use instead of opening one from config (the caller then closes it). */
  database?: Database;
  /** @defaultValue true */
  logger?: boolean;
  /** Where the log goes instead of stdout (tests capture it to prove no secret is written). */
  logStream?: { write(line: string): void };
  /** Told once, on a fresh database, about the first admin (main.ts prints a generated password). */
  onFirstAdmin?: AuthPluginOptions['onFirstAdmin'];
  /** Models to register at start-up. @defaultValue the models the scorer package ships */
  shippedModels?: readonly ShippedModel[];
  /**
   * How launches fetch manifest photo URLs, besides LAUNCH_URL_*: name resolution, which addresses count as public,
   * extra trusted CAs. @defaultValue the system resolver, public addresses only, Node's root store
   */
  launchPhotoFetch?: LaunchPhotoFetchOverrides;
}

/** Builds the API (the manager): registers every plugin and route, never listens. `main.ts` listens. */
export async function buildApp(opts: BuildAppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: opts.logger === false ? false : {
      level: opts.config.logLevel, redact: logRedaction, serializers: logSerializers,
      ...(opts.logStream ? { stream: opts.logStream } : {}),
    },
    // Uploads come as multipart streams with their own limit; JSON bodies are small.
    bodyLimit: 1024 * 1024,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  await app.register(errorHandlerPlugin);
  await app.register(configPlugin, { config: opts.config });
  await app.register(edgeGuardsPlugin);
  await app.register(dbPlugin, opts.database ? { database: opts.database } : {});
  await app.register(storagePlugin);
  await app.register(queuePlugin, { redisUrl: opts.redisUrl });
  // Bounded waits on Redis, the database and storage; draining on shutdown (issue 19).
  await app.register(dependencyTimeoutsPlugin);
  // Who is calling, then what they may do, then the edge (headers, CORS, rate limits): before any route exists,
  // so every route is checked for its access declaration as it registers.
  await app.register(authPlugin, { onFirstAdmin: opts.onFirstAdmin });
  await app.register(metricsTokenPlugin); // a scraper's METRICS_TOKEN, before the access check sees the request
  await app.register(routeAccessPlugin);
  await app.register(edgePlugin);
  await app.register(multipart);
  await app.register(docsPlugin);
  await app.register(farmPlugin, { shippedModels: opts.shippedModels ?? [] });
  await app.register(metricsPlugin);
  await app.register(webhooksPlugin);
  await app.register(experimentsPlugin);
  await app.register(learningPlugin);
  await app.register(idempotencyPlugin);
  await app.register(uploadsPlugin);
  await app.register(launchesPlugin, { photoFetch: opts.launchPhotoFetch });
  await app.register(storageSweepPlugin);

  await app.register(healthRoutes);
  await app.register(sessionRoutes);
  await app.register(userRoutes);
  await app.register(apiKeyRoutes);
  await app.register(auditRoutes);
  await app.register(assetRoutes);
  await app.register(assetLibraryRoutes);
  await app.register(fileRoutes);
  await app.register(recipeRoutes);
  await app.register(recipeImportRoutes, { objectInfo: comfyObjectInfoSource(opts.config.comfyui.servers) });
  await app.register(recipeWorkshopRoutes);
  await app.register(jobRoutes);
  await app.register(jobEventRoutes);
  await app.register(scoreRoutes);
  await app.register(jobRankingRoutes);
  await app.register(modelRoutes);
  await app.register(trainingDataRoutes);
  await app.register(farmRoutes);
  await app.register(costRoutes);
  await app.register(replicateWebhookRoutes);
  await app.register(storageSweepRoutes);
  await app.register(experimentRoutes);
  await app.register(slotRoutes);
  await app.register(storefrontRoutes);
  await app.register(launchRoutes);
  // Operations (issue 19): Prometheus metrics and the queue UI for admins.
  await app.register(metricsRoutes);
  await app.register(queueBoardPlugin);
  await app.register(webhookRoutes);
  await app.register(webPlugin);
  return app;
}
