import fp from 'fastify-plugin';
import { StorageSweep } from '../services/assets/storage-sweep.ts';

declare module 'fastify' {
  interface FastifyInstance { storageSweep: StorageSweep }
}

/** The scheduled sweep of unreferenced objects, expired drafts and idempotency answers (STORAGE_SWEEP_INTERVAL_MS). */
export const storageSweepPlugin = fp(async (app) => {
  const { intervalMs, graceS, draftTtlS } = app.config.storageSweep;
  const sweep = new StorageSweep(app.db, app.storage, app.idempotency, { graceS, draftTtlS }, app.log);
  app.decorate('storageSweep', sweep);
  app.addHook('onReady', async () => { sweep.start(intervalMs); });
  app.addHook('preClose', async () => { sweep.stop(); });
}, { name: 'shotfarm-storage-sweep', fastify: '5.x', dependencies: ['shotfarm-config', 'shotfarm-db', 'shotfarm-storage', 'shotfarm-idempotency'] });
