import { configToEnv, ConfigError, loadConfig } from '@shotfarm/shared/config';
import { readShippedModels } from '@shotfarm/scorer/models';
import { buildApp } from './app.ts';
import { RedisSupervisor } from './launcher/redis-supervisor.ts';
import { shutdownSignals } from './launcher/shutdown-signals.ts';
import { WorkerPool } from './launcher/worker-pool.ts';
import type { FirstAdmin } from './services/accounts/first-admin.ts';

type FirstAdminCreated = Extract<FirstAdmin, { created: true }>;

// `npm start`: the whole studio in one process tree — embedded Redis when REDIS_URL is unset, the API
// (the manager, owner of the database), and RENDER_WORKERS render worker processes.
let config;
try {
  // npm and pnpm set INIT_CWD to where the command was typed: a relative DATA_DIR is relative to that.
  config = loadConfig(process.env, process.env.INIT_CWD ?? process.cwd());
} catch (e) {
  if (e instanceof ConfigError) { console.error(`[studio] ${e.message}`); process.exit(2); }
  throw e;
}

// Supervised: if redis-server dies it is started again on the same port and AOF, and clients reconnect.
const redis = config.redisUrl ? undefined : await RedisSupervisor.start({ dataDir: config.redisDataDir });
const redisUrl = config.redisUrl ?? redis!.url;
if (redis) console.log(`[studio] embedded redis-server on ${redis.url} (AOF in ${config.redisDataDir})`);

// On the first start the studio has one admin; a generated password is shown once, after the ready line so it
// is the last thing on the screen (and kept in a 0600 file).
let firstAdmin: FirstAdminCreated | undefined;
const app = await buildApp({
  config, redisUrl, shippedModels: await readShippedModels(),
  onFirstAdmin: (admin) => { firstAdmin = admin; },
});
const workerEnv = configToEnv(config, redisUrl);
const pools = [
  new WorkerPool({ entry: '@shotfarm/render-worker/main', label: 'render worker', count: config.renderWorkers, env: workerEnv }),
  new WorkerPool({ entry: '@shotfarm/scorer/main', label: 'scorer worker', count: config.scorerWorkers, env: workerEnv }),
];
try {
  await app.listen({ port: config.port, host: config.host });
} catch (e) {
  console.error(`[studio] cannot listen on ${config.host}:${config.port}: ${e instanceof Error ? e.message : String(e)}`);
  await app.close();
  await redis?.stop();
  process.exit(1);
}
for (const pool of pools) pool.start();
console.log(`[studio] ready: ${config.publicUrl}  (API docs ${config.publicUrl}/docs; ${config.renderWorkers} render and ${config.scorerWorkers} scorer worker process(es); database ${config.databaseUrl ? 'PostgreSQL' : `PGlite in ${config.pgliteDir}`})`);
if (firstAdmin?.generatedPassword !== undefined) {
  console.log([
    '[studio] ────────────────────────────────────────────────────────────',
    `[studio] first start: created the admin account ${firstAdmin.user.email}`,
    `[studio]   password: ${firstAdmin.generatedPassword}`,
    `[studio]   sign in at ${config.publicUrl} — shown once; also in ${firstAdmin.passwordFile} (only you can read it; delete it after signing in)`,
    '[studio] ────────────────────────────────────────────────────────────',
  ].join('\n'));
} else if (firstAdmin) {
  console.log(`[studio] first start: created the admin account ${firstAdmin.user.email} with the password in SHOTFARM_ADMIN_PASSWORD`);
}

/** Past this, shutdown gives up waiting for running tasks and exits anyway (still stopping every child). */
const shutdownDeadlineMs = 30_000;

/** Every child, stopped now and without waiting: the forced exit's last act, and a guard on any other exit. */
function killChildrenNow(): void {
  for (const pool of pools) pool.killNow();
  redis?.killNow();
}
process.once('exit', killChildrenNow);

function forceExit(why: string): never {
  console.error(`[studio] ${why}: exiting now (workers killed; BullMQ hands their tasks to the next worker; redis-server stopped)`);
  killChildrenNow();
  process.exit(1);
}

async function drain(signal: NodeJS.Signals): Promise<void> {
  console.log(`[studio] ${signal}: draining — the API refuses new work and ends event streams, workers finish or hand back their tasks, then the API, then Redis stop (${signal} again after a second forces)`);
  setTimeout(() => forceExit(`shutdown took longer than ${shutdownDeadlineMs / 1000} s`), shutdownDeadlineMs).unref();
  app.operations.beginDrain();
  await Promise.all(pools.map((p) => p.stop()));
  await app.close();
  await redis?.stop();
  console.log('[studio] stopped');
  process.exit(0);
}

// Ctrl-C under npm delivers SIGINT twice (the terminal's process group and npm's forward): one shutdown, not a forced one.
const onSignal = shutdownSignals({
  drain: (signal) => { drain(signal).catch((e: unknown) => forceExit(`shutdown failed (${e instanceof Error ? e.message : String(e)})`)); },
  force: (signal) => forceExit(`${signal} again`),
});
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);
