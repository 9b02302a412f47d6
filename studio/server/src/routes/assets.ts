import fp from 'fastify-plugin';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { ApiError, AssetView, Id, newId } from '@shotfarm/shared';
import { tables } from '@shotfarm/shared/db';
import { makeThumbnail } from '@shotfarm/shared/images';
import { storageKeys, type Storage } from '@shotfarm/shared/storage';
import { AssetNotFoundError, UploadBadFilenameError, UploadMissingFileError, UploadTooLargeError } from '../errors.ts';
import { ingestUpload } from '../services/upload-ingest.ts';

type AssetRow = typeof tables.assets.$inferSelect;

export async function toAssetView(storage: Storage, a: AssetRow): Promise<AssetView> {
  return {
    id: a.id, kind: a.kind, mime: a.mime, width: a.width, height: a.height, bytes: a.bytes,
    url: await storage.signedUrl(a.key), thumbnailUrl: a.thumbKey ? await storage.signedUrl(a.thumbKey) : null,
    jobId: a.jobId, params: a.params, createdAt: a.createdAt.toISOString(),
  };
}

// A name is only ever shown, never used as a path; one that tries to be a path is refused outright.
// eslint-disable-next-line no-control-regex
const badFilename = /[/\\\u0000-\u001f\u007f]|^\.\.?$/;

const routes: FastifyPluginAsyncZod = async (app) => {
  app.post('/api/assets', {
    schema: {
      tags: ['assets'], summary: 'Upload an image (multipart field "file")', consumes: ['multipart/form-data'],
      response: { 201: AssetView, '4xx': ApiError },
    },
  }, async (req, reply) => {
    let file;
    try {
      // preservePath: busboy would otherwise strip the path silently, and a client sending one deserves to know.
      file = await req.file({ preservePath: true, limits: { fileSize: app.config.uploadMaxBytes, files: 1, fields: 4, parts: 5 } });
    } catch (e) {
      if ((e as { code?: string }).code === 'FST_INVALID_MULTIPART_CONTENT_TYPE') throw new UploadMissingFileError();
      throw e;
    }
    if (!file || file.fieldname !== 'file') throw new UploadMissingFileError();
    if (file.filename && badFilename.test(file.filename)) {
      file.file.resume(); // drain, so the connection can be reused
      throw new UploadBadFilenameError(JSON.stringify(file.filename));
    }
    let raw: Buffer;
    try {
      raw = await file.toBuffer();
    } catch (e) {
      if ((e as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw new UploadTooLargeError(app.config.uploadMaxBytes);
      throw e;
    }
    const image = await ingestUpload(raw, { maxPixels: app.config.uploadMaxPixels });
    const key = storageKeys.upload(image.sha256, image.ext);
    const thumbKey = storageKeys.thumbnail(key);
    // Storage before the row: a row never points at bytes that are not there. Same bytes → same key, same row.
    await app.storage.put(thumbKey, await makeThumbnail(image.bytes), { contentType: 'image/webp' });
    await app.storage.put(key, image.bytes, { contentType: image.mime });
    await app.db.insert(tables.assets).values({
      id: newId(), kind: 'upload', mime: image.mime, width: image.width, height: image.height, bytes: image.bytes.length,
      sha256: image.sha256, key, thumbKey, jobId: null, taskId: null, params: null,
    }).onConflictDoNothing({ target: tables.assets.key });
    const [row] = await app.db.select().from(tables.assets).where(eq(tables.assets.key, key));
    // Uploads are scored too: a designer sees at once whether a source photo meets a marketplace's rules.
    await app.farm.scores.enqueue({ assetId: row!.id, key });
    return reply.code(201).send(await toAssetView(app.storage, row!));
  });

  app.get('/api/assets/:id', {
    schema: { tags: ['assets'], summary: 'An asset with a signed URL', params: z.object({ id: Id }), response: { 200: AssetView, '4xx': ApiError } },
  }, async (req) => {
    const [row] = await app.db.select().from(tables.assets).where(eq(tables.assets.id, req.params.id));
    if (!row) throw new AssetNotFoundError(req.params.id);
    return toAssetView(app.storage, row);
  });
};

export const assetRoutes = fp(routes, { name: 'shotfarm-asset-routes', fastify: '5.x', encapsulate: true,
  dependencies: ['shotfarm-config', 'shotfarm-db', 'shotfarm-storage', 'shotfarm-farm'] });
