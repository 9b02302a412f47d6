import fp from 'fastify-plugin';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ApiError } from '@shotfarm/shared';

const StorageSweepReport = z.object({
  orphansRemoved: z.array(z.string()), draftsRemoved: z.array(z.string()), idempotencyKeysExpired: z.int().nonnegative(), scanned: z.int().nonnegative(),
});

/** Run the storage sweep now (it also runs every STORAGE_SWEEP_INTERVAL_MS) and see what it removed. */
const routes: FastifyPluginAsyncZod = async (app) => {
  app.post('/api/storage/sweep', {
    config: { access: 'admin' },
    schema: { tags: ['farm'], summary: 'Delete stored objects no row points to (older than STORAGE_SWEEP_GRACE_S), expired drafts and idempotency answers; answers what was removed',
      response: { 200: StorageSweepReport, '4xx': ApiError } },
  }, async () => app.storageSweep.sweep());
};

export const storageSweepRoutes = fp(routes, { name: 'shotfarm-storage-sweep-routes', fastify: '5.x', encapsulate: true, dependencies: ['shotfarm-storage-sweep'] });
