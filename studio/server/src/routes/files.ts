import fp from 'fastify-plugin';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { FolderStorage, StorageObjectNotFoundError } from '@shotfarm/shared/storage';
import { ObjectNotFoundError, UrlSignatureInvalidError } from '../errors.ts';

/** `Content-Disposition: attachment` with the name as typed (RFC 6266 filename*) and an ASCII fallback for old clients. */
function attachment(name: string): string {
  // Control characters (a header break-out), path separators and quotes become "_".
  const clean = [...name].map((c) => (c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f || '/\\"'.includes(c) ? '_' : c)).join('');
  const ascii = clean.replace(/[^\x20-\x7e]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(clean).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`;
}

/** One `bytes=a-b` range (the form browsers send for media); null for none or a form we answer in full. */
function byteRange(header: string | undefined, size: number): { start: number; end: number } | 'unsatisfiable' | null {
  const m = header ? /^bytes=(\d*)-(\d*)$/.exec(header.trim()) : null;
  if (!m || (m[1] === '' && m[2] === '')) return null;
  let start: number;
  let end: number;
  if (m[1] === '') { start = Math.max(0, size - Number(m[2])); end = size - 1; } else { start = Number(m[1]); end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1); }
  if (start >= size || start > end) return 'unsatisfiable';
  return { start, end };
}

/**
 * Serves objects of the local-folder storage through signed, expiring URLs (S3 serves its own
 * presigned URLs, so this group is registered only for the folder driver).
 */
const routes: FastifyPluginAsyncZod = async (app) => {
  const storage = app.storage;
  if (!(storage instanceof FolderStorage)) return;
  app.get('/files/*', {
    config: { access: 'public' },
    // A gallery page fetches hundreds of thumbnails: log only failures.
    logLevel: 'warn',
    schema: { tags: ['files'], summary: 'An object by signed URL', hide: true,
      params: z.object({ '*': z.string() }),
      // `download`: a file name to save as (Content-Disposition: attachment). Outside the signature: it names the bytes, it grants nothing.
      querystring: z.object({ exp: z.string(), sig: z.string(), download: z.string().max(200).optional() }) },
  }, async (req, reply) => {
    const key = req.params['*'];
    if (!storage.verifySignedRequest(key, req.query.exp, req.query.sig)) throw new UrlSignatureInvalidError();
    try {
      const info = await storage.head(key);
      if (!info) throw new ObjectNotFoundError();
      const body = await storage.get(key);
      reply.header('content-type', info.contentType).header('cache-control', 'private, max-age=3600').header('accept-ranges', 'bytes');
      if (req.query.download) reply.header('content-disposition', attachment(req.query.download));
      // Browsers fetch video by byte range to seek and to read an MP4's index; answer the range, not the whole file.
      const range = byteRange(req.headers.range, body.length);
      if (range === 'unsatisfiable') return reply.code(416).header('content-range', `bytes */${body.length}`).send();
      if (range) return reply.code(206).header('content-range', `bytes ${range.start}-${range.end}/${body.length}`).send(body.subarray(range.start, range.end + 1));
      return reply.send(body);
    } catch (e) {
      if (e instanceof StorageObjectNotFoundError) throw new ObjectNotFoundError();
      throw e;
    }
  });
};

export const fileRoutes = fp(routes, { name: 'shotfarm-file-routes', fastify: '5.x', encapsulate: true, dependencies: ['shotfarm-storage'] });
