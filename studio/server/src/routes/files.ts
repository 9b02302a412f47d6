import fp from 'fastify-plugin';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { FolderStorage, StorageObjectNotFoundError } from '@shotfarm/shared/storage';
import { ObjectNotFoundError, UrlSignatureInvalidError } from '../errors.ts';

/**
 * Serves objects of the local-folder storage through signed, expiring URLs (S3 serves its own
 * presigned URLs, so this group is registered only for the folder driver).
 */
const routes: FastifyPluginAsyncZod = async (app) => {
  const storage = app.storage;
  if (!(storage instanceof FolderStorage)) return;
  app.get('/files/*', {
    // A gallery page fetches hundreds of thumbnails: log only failures.
    logLevel: 'warn',
    schema: { tags: ['files'], summary: 'An object by signed URL', hide: true,
      params: z.object({ '*': z.string() }), querystring: z.object({ exp: z.string(), sig: z.string() }) },
  }, async (req, reply) => {
    const key = req.params['*'];
    if (!storage.verifySignedRequest(key, req.query.exp, req.query.sig)) throw new UrlSignatureInvalidError();
    try {
      const info = await storage.head(key);
      if (!info) throw new ObjectNotFoundError();
      const body = await storage.get(key);
      return reply.header('content-type', info.contentType).header('cache-control', 'private, max-age=3600').send(body);
    } catch (e) {
      if (e instanceof StorageObjectNotFoundError) throw new ObjectNotFoundError();
      throw e;
    }
  });
};

export const fileRoutes = fp(routes, { name: 'shotfarm-file-routes', fastify: '5.x', encapsulate: true, dependencies: ['shotfarm-storage'] });
