import fp from 'fastify-plugin';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { ApiError, AssetView, Id } from '@shotfarm/shared';
import { tables } from '@shotfarm/shared/db';
import { AssetNotFoundError } from '../errors.ts';
import { IdempotencyHeaders } from '../services/requests/idempotency.ts';
import { toAssetView } from '../services/assets/asset-view.ts';

const routes: FastifyPluginAsyncZod = async (app) => {
  /** An asset's view by id, signed afresh: what an upload answers, first time or replayed. */
  const viewOf = async (kept: unknown): Promise<AssetView> => {
    const [row] = await app.db.select().from(tables.assets).where(eq(tables.assets.id, (kept as { id: string }).id));
    if (!row) throw new AssetNotFoundError((kept as { id: string }).id);
    return toAssetView(app.storage, row);
  };

  app.post('/api/assets', {
    config: { access: 'designer', rateLimitClass: 'uploads' },
    schema: {
      tags: ['assets'], summary: 'Upload an image (multipart field "file"); send `Idempotency-Key` to retry safely', consumes: ['multipart/form-data'], headers: IdempotencyHeaders,
      response: { 201: AssetView, '4xx': ApiError },
    },
  }, async (req, reply) => {
    const upload = await app.uploads.receive(req);
    try {
      // The key's body is the file as sent: the same photo again is the same asset, another photo under the same key is refused.
      return await app.idempotent(req, reply, upload.sha256, async () => ({ statusCode: 201, body: { id: (await app.uploads.ingest(upload, { createdBy: req.user?.id ?? null })).id } }), viewOf);
    } finally {
      await upload.discard();
    }
  });

  app.get('/api/assets/:id', {
    config: { access: 'authenticated' },
    schema: { tags: ['assets'], summary: 'An asset with a signed URL', params: z.object({ id: Id }), response: { 200: AssetView, '4xx': ApiError } },
  }, async (req) => {
    const [row] = await app.db.select().from(tables.assets).where(eq(tables.assets.id, req.params.id));
    if (!row) throw new AssetNotFoundError(req.params.id);
    return toAssetView(app.storage, row);
  });
};

export const assetRoutes = fp(routes, { name: 'shotfarm-asset-routes', fastify: '5.x', encapsulate: true,
  dependencies: ['shotfarm-config', 'shotfarm-db', 'shotfarm-storage', 'shotfarm-farm', 'shotfarm-uploads', 'shotfarm-idempotency'] });
