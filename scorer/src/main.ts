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
const worker = new ScoreWorker({
  redisUrl: config.redisUrl, prefix: config.queuePrefix, storage, concurrency: config.scorerConcurrency,
  log: createLogger('scorer', { level: config.logLevel }),
});
await worker.start();
// The learning loop's retraining runs on scorer hosts too: they already read storage and never the database.
const trainer = new TrainWorker({ redisUrl: config.redisUrl, prefix: config.queuePrefix, storage });
await trainer.start();
console.log(`[scorer ${worker.name}] ready: concurrency ${config.scorerConcurrency}`);

let closing = false;
const shutdown = (signal: string): void => {
  if (closing) return;
  closing = true;
  console.log(`[scorer ${worker.name}] ${signal}: finishing running scores`);
  void Promise.all([worker.close(), trainer.close()]).then(() => storage.close()).then(() => process.exit(0));
};
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
