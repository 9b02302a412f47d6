import fp from 'fastify-plugin';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ApiError, Id, newId, RecipeManifest } from '@shotfarm/shared';
import { importWorkflow, WorkflowImportError, type ObjectInfo } from '@shotfarm/workflows/import';
import { UploadMissingFileError, UploadTooLargeError, WorkflowInvalidError, WorkflowNodesUnknownError } from '../errors.ts';

/**
 * `POST /api/recipes/import`: a designer drops a ComfyUI workflow (API JSON, UI JSON, or a PNG/WebP ComfyUI
 * saved) and gets a draft recipe manifest back. Drafts live in object storage (`recipes/drafts/<id>.json`),
 * not in the database: nothing runs them, and the designer edits the JSON before it becomes a shipped recipe.
 */

/** Where a draft's JSON is stored. */
export const recipeDraftKey = (id: string): string => `recipes/drafts/${id}.json`;

export interface RecipeImportRoutesOptions {
  /**
   * The node definitions of the farm's ComfyUI servers, needed to convert UI-format files. The ComfyUI pool
   * will provide it; without it UI files answer SF_WORKFLOW_NODES_UNKNOWN and API files still import.
   */
  objectInfo?: () => Promise<ObjectInfo | undefined>;
}

export const RecipeImportResult = z.object({
  id: Id,
  /** The storage key of the stored draft. */
  key: z.string(),
  source: z.enum(['api', 'ui', 'png', 'webp']),
  manifest: RecipeManifest,
  warnings: z.array(z.string()),
});

/** The designer's file name without extension, as the draft's name. */
const draftName = (filename: string | undefined): string | undefined =>
  filename ? filename.replace(/\.(api|ui)?\.?(json|png|webp)$/i, '') || undefined : undefined;

const routes: FastifyPluginAsyncZod<RecipeImportRoutesOptions> = async (app, opts) => {
  app.post('/api/recipes/import', {
    schema: {
      tags: ['recipes'],
      summary: 'Import a ComfyUI workflow (multipart field "file", or the workflow as the JSON body) as a draft recipe',
      consumes: ['multipart/form-data', 'application/json'],
      response: { 201: RecipeImportResult, '4xx': ApiError },
    },
  }, async (req, reply) => {
    let file: Buffer | undefined;
    let name: string | undefined;
    if (req.isMultipart()) {
      const part = await req.file({ limits: { fileSize: app.config.uploadMaxBytes, files: 1, fields: 4, parts: 5 } });
      if (!part || part.fieldname !== 'file') throw new UploadMissingFileError();
      try {
        file = await part.toBuffer();
      } catch (e) {
        if ((e as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw new UploadTooLargeError(app.config.uploadMaxBytes);
        throw e;
      }
      name = draftName(part.filename);
    }
    const objectInfo = await opts.objectInfo?.();
    let result;
    try {
      result = importWorkflow(file ? { file, objectInfo, name } : { json: req.body, objectInfo });
    } catch (e) {
      if (e instanceof WorkflowImportError) {
        throw e.code === 'SF_WORKFLOW_NODES_UNKNOWN' ? new WorkflowNodesUnknownError(e.message) : new WorkflowInvalidError(e.message);
      }
      throw e;
    }
    const id = newId();
    const key = recipeDraftKey(id);
    const body = { id, key, source: result.source, manifest: result.manifest, warnings: result.warnings };
    await app.storage.put(key, Buffer.from(JSON.stringify(body, null, 2)), { contentType: 'application/json' });
    return reply.code(201).send(body);
  });
};

export const recipeImportRoutes = fp(routes, { name: 'shotfarm-recipe-import-routes', fastify: '5.x', encapsulate: true,
  dependencies: ['shotfarm-config', 'shotfarm-storage'] });
