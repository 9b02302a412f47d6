import { loadConfig } from '@shotfarm/shared/config';
import { createStorage } from '@shotfarm/shared/storage';
import { createBackends } from './backends/index.ts';
import { replicateOptionsFromConfig } from './backends/replicate/index.ts';
import { RenderWorker } from './render-worker.ts';

// A render worker process: needs only Redis and object storage, never the database.
const config = loadConfig(process.env, process.env.INIT_CWD ?? process.cwd());
if (!config.redisUrl) {
  console.error('[render-worker] REDIS_URL is required: a render worker joins an existing farm');
  process.exit(1);
}
const storage = await createStorage(config.storage);
const worker = new RenderWorker({
  redisUrl: config.redisUrl, prefix: config.queuePrefix, storage,
  backends: createBackends(config.renderBackends, { comfyui: config.comfyui, replicate: replicateOptionsFromConfig(config) }), concurrency: config.renderConcurrency,
  stalledIntervalMs: config.stalledIntervalMs,
});
await worker.start();
console.log(`[render-worker ${worker.name}] ready: backends ${config.renderBackends.join(', ')}, concurrency ${config.renderConcurrency}`);

let closing = false;
const shutdown = (signal: string): void => {
  if (closing) return;
  closing = true;
  console.log(`[render-worker ${worker.name}] ${signal}: finishing running tasks`);
  void worker.close().then(() => storage.close()).then(() => process.exit(0));
};
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
