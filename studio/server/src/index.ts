export { buildApp, type BuildAppOptions } from './app.ts';
export { WorkerPool, type WorkerPoolOptions } from './launcher/worker-pool.ts';
