import fp from 'fastify-plugin';
import { createStorage, type Storage } from '@shotfarm/shared/storage';

declare module 'fastify' {
  interface FastifyInstance { storage: Storage }
}

/** S3 or a local folder: configuration alone decides. */
export const storagePlugin = fp(async (app) => {
  // The API enforces the folder's free-space reserve at its edge (an upload is refused with 507 before its body is read)
  // and must still start on a full disk to say so on /readyz (seeding shipped recipes writes a few KB). The reserve on
  // every write is for the workers, whose outputs are the bulk.
  const config = app.config.storage;
  const storage = await createStorage(config.driver === 'folder' ? { ...config, minFreeMb: 0 } : config);
  app.decorate('storage', storage);
  app.addHook('onClose', () => storage.close());
}, { name: 'shotfarm-storage', fastify: '5.x', dependencies: ['shotfarm-config'] });
