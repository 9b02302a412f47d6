import fp from 'fastify-plugin';
import { createStorage, type Storage } from '@shotfarm/shared/storage';

declare module 'fastify' {
  interface FastifyInstance { storage: Storage }
}

/** S3 or a local folder: configuration alone decides. */
export const storagePlugin = fp(async (app) => {
  const storage = await createStorage(app.config.storage);
  app.decorate('storage', storage);
  app.addHook('onClose', () => storage.close());
}, { name: 'shotfarm-storage', fastify: '5.x', dependencies: ['shotfarm-config'] });
