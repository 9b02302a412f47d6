import path from 'node:path';
import fp from 'fastify-plugin';
import { UploadIngest } from '../services/assets/upload-ingest.ts';

declare module 'fastify' {
  interface FastifyInstance { uploads: UploadIngest }
}

/** The upload service, one per API process: its decode queue bounds what concurrent uploads cost. */
export const uploadsPlugin = fp(async (app) => {
  const { uploadMaxBytes, uploadMaxPixels, uploadDecode } = app.config;
  app.decorate('uploads', new UploadIngest({
    db: app.db, storage: app.storage, scores: app.farm.scores, log: app.log,
    limits: { maxBytes: uploadMaxBytes, maxPixels: uploadMaxPixels, decodeMaxBytes: uploadDecode.maxBytes, decodeConcurrency: uploadDecode.concurrency },
    spoolDir: path.join(app.config.dataDir, 'tmp', 'uploads'),
  }));
}, { name: 'shotfarm-uploads', fastify: '5.x', dependencies: ['shotfarm-config', 'shotfarm-db', 'shotfarm-storage', 'shotfarm-farm'] });
