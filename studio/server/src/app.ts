import Fastify, { type FastifyInstance } from 'fastify';
import multipart from '@fastify/multipart';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Config } from '@shotfarm/shared/config';
import type { Database } from '@shotfarm/shared/db';
import { configPlugin } from './plugins/config.ts';
import { dbPlugin } from './plugins/db.ts';
import { docsPlugin } from './plugins/docs.ts';
import { errorHandlerPlugin } from './plugins/error-handler.ts';
import { farmPlugin } from './plugins/farm.ts';
import { queuePlugin } from './plugins/queue.ts';
import { storagePlugin } from './plugins/storage.ts';
import { webPlugin } from './plugins/web.ts';
import './plugins/route-access.ts';
import type { ShippedModel } from './services/model-registry.ts';
import { assetLibraryRoutes } from './routes/asset-library.ts';
import { assetRoutes } from './routes/assets.ts';
import { farmRoutes } from './routes/farm.ts';
import { fileRoutes } from './routes/files.ts';
import { healthRoutes } from './routes/health.ts';
import { jobEventRoutes } from './routes/job-events.ts';
import { jobRoutes } from './routes/jobs.ts';
import { jobRankingRoutes } from './routes/job-ranking.ts';
import { recipeRoutes } from './routes/recipes.ts';
import { recipeImportRoutes } from './routes/recipe-import.ts';
import { replicateWebhookRoutes } from './routes/replicate-webhook.ts';
import { scoreRoutes } from './routes/scores.ts';
import { comfyObjectInfoSource } from './services/comfy-object-info.ts';

export interface BuildAppOptions {
  config: Config;
  /** Redis the farm runs on: REDIS_URL, or the embedded server the launcher started. */
  redisUrl: string;
  /** An already open database to use instead of opening one from config (the caller then closes it). */
  database?: Database;
  /** @defaultValue true */
  logger?: boolean;
  /** Models to register at start-up. @defaultValue the models the scorer package ships */
  shippedModels?: readonly ShippedModel[];
}

/** Builds the API (the manager): registers every plugin and route, never listens. `main.ts` listens. */
export async function buildApp(opts: BuildAppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: opts.logger === false ? false : { level: opts.config.logLevel },
    // Uploads come as multipart streams with their own limit; JSON bodies are small.
    bodyLimit: 1024 * 1024,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  await app.register(errorHandlerPlugin);
  await app.register(configPlugin, { config: opts.config });
  await app.register(multipart);
  await app.register(docsPlugin);
  await app.register(dbPlugin, opts.database ? { database: opts.database } : {});
  await app.register(storagePlugin);
  await app.register(queuePlugin, { redisUrl: opts.redisUrl });
  await app.register(farmPlugin, { shippedModels: opts.shippedModels ?? [] });

  await app.register(healthRoutes);
  await app.register(assetRoutes);
  await app.register(assetLibraryRoutes);
  await app.register(fileRoutes);
  await app.register(recipeRoutes);
  await app.register(recipeImportRoutes, { objectInfo: comfyObjectInfoSource(opts.config.comfyui.servers) });
  await app.register(jobRoutes);
  await app.register(jobEventRoutes);
  await app.register(scoreRoutes);
  await app.register(jobRankingRoutes);
  await app.register(farmRoutes);
  await app.register(replicateWebhookRoutes);
  await app.register(webPlugin);
  return app;
}
