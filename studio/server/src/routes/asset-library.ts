import fp from 'fastify-plugin';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ApiError, AssetList, AssetListQuery } from '@shotfarm/shared';
import { listAssets } from '../services/assets/asset-list.ts';

/** The library: one request for what the assets page, the gallery and the input picker show. */
const routes: FastifyPluginAsyncZod = async (app) => {
  app.get('/api/assets', {
    config: { access: 'authenticated' },
    schema: { tags: ['assets'], summary: 'Uploads and outputs with signed URLs, newest first, cursor-paged',
      querystring: AssetListQuery, response: { 200: AssetList, '4xx': ApiError } },
  }, async (req) => listAssets(app.db, app.storage, req.query));
};

export const assetLibraryRoutes = fp(routes, { name: 'shotfarm-asset-library-routes', fastify: '5.x', encapsulate: true,
  dependencies: ['shotfarm-db', 'shotfarm-storage'] });
