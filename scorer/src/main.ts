import { loadConfig } from '@shotfarm/shared/config';
import { createStorage } from '@shotfarm/shared/storage';
import { createLogger } from '@shotfarm/shared/log';
import { ScoreWorker } from './score-worker.ts';
import { TrainWorker } from './training/train-worker.ts';

// A scorer worker process: a CPU host needs only Redis and object storage, never the database.
const config = loadConfig(process.env, process.env.INIT_CWD ?? process.cwd());
if (!config.redisUrl) {
  console.error('[scorer] REDIS_URL is required: a scorer worker joins an existing farm');
  process.exit(1);
}
const storage = await createStorage(config.storage);
const log = createLogger('scorer', { level: config.logLevel });
const worker = new ScoreWorker({ redisUrl: config.redisUrl, prefix: config.queuePrefix, storage, concurrency: config.scorerConcurrency, log });
await worker.start();
// The learning loop's retraining runs on scorer hosts too: they already read storage and never the database.
const trainer = new TrainWorker({ redisUrl: config.redisUrl, prefix: config.queuePrefix, storage });
await trainer.start();
// One JSON line per event, like the API's, with the worker's name on each.
const lifecycle = log.child({ worker: worker.name });
lifecycle.info({ concurrency: config.scorerConcurrency }, 'scorer ready');

let closing = false;
const shutdown = (signal: string): void => {
  if (closing) return;
  closing = true;
  lifecycle.info({ signal }, 'scorer stopping: finishing running scores');
  void Promise.all([worker.close(), trainer.close()]).then(() => storage.close())
    .then(() => { lifecycle.info('scorer stopped'); process.exit(0); });
};
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
