import { loadConfig } from '@shotfarm/shared/config';
import { createRedis } from '@shotfarm/shared/queue';
import { createStorage } from '@shotfarm/shared/storage';
import { createLogger } from '@shotfarm/shared/log';
import { createBackends } from './backends/index.ts';
import { ComfyBlocklistBoard } from './backends/comfyui/index.ts';
import { replicateOptionsFromConfig } from './backends/replicate/index.ts';
import { defaultWorkerName, RenderWorker } from './render-worker.ts';

// A render worker process: needs only Redis and object storage, never the database.
const config = loadConfig(process.env, process.env.INIT_CWD ?? process.cwd());
if (!config.redisUrl) {
  console.error('[render-worker] REDIS_URL is required: a render worker joins an existing farm');
  process.exit(1);
}
const storage = await createStorage(config.storage);
const name = defaultWorkerName();
// One JSON line per event, like the API's: start, stop and every task, with the worker's name on each.
const log = createLogger('render-worker', { level: config.logLevel }).child({ worker: name });
// Only the ComfyUI pool of this process knows which server it stopped sending which recipe to; the board tells the farm page.
const boardRedis = config.renderBackends.includes('comfyui') ? createRedis(config.redisUrl) : undefined;
const blocklist = boardRedis && new ComfyBlocklistBoard({
  redis: boardRedis, prefix: config.queuePrefix, worker: name, refreshIntervalMs: config.comfyui.healthIntervalMs,
});
const worker = new RenderWorker({
  redisUrl: config.redisUrl, prefix: config.queuePrefix, storage, name,
  backends: createBackends(config.renderBackends, {
    comfyui: { ...config.comfyui, ...(blocklist && { onBlocklistChange: blocklist.record }) },
    replicate: replicateOptionsFromConfig(config),
  }),
  concurrency: config.renderConcurrency,
  stalledIntervalMs: config.stalledIntervalMs,
  log,
});
await worker.start();
blocklist?.start();
log.info({ backends: config.renderBackends, concurrency: config.renderConcurrency }, 'render worker ready');

let closing = false;
const shutdown = (signal: string): void => {
  if (closing) return;
  closing = true;
  log.info({ signal }, 'render worker stopping: finishing running tasks');
  void worker.close()
    .then(() => blocklist?.close())
    .then(() => boardRedis?.quit().catch(() => undefined))
    .then(() => storage.close())
    .then(() => { log.info('render worker stopped'); process.exit(0); });
};
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
