import fp from 'fastify-plugin';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import pLimit from 'p-limit';
import { ApiError, Id, JobType, newId, RecipeManifestInput, type RecipeManifest } from '@shotfarm/shared';
import { WorkflowImportError, type ObjectInfo } from '@shotfarm/workflows/import';
import {
  UploadMissingFileError, WorkflowInvalidError, WorkflowNodesUnknownError, WorkflowTooComplexError, WorkflowTooLargeError,
} from '../errors.ts';
import { importWorkflowOffThread } from '../services/recipes/workflow-import-runner.ts';
import { recipeDraftKey, recipeDraftPrefix, saveDraft } from '../services/recipes/recipe-drafts.ts';
import { withDetails } from '../errors.ts';

/**
 * `POST /api/recipes/import`: a designer drops a ComfyUI workflow (API JSON, UI JSON, or a PNG/WebP ComfyUI
 * saved) and gets a summary of the draft recipe back. Drafts live in object storage (`recipes/drafts/<id>.json`),
 * not in the database: nothing runs them, the designer edits the JSON before it becomes a shipped recipe, and the
 * storage sweep deletes drafts older than RECIPE_DRAFT_TTL_S. Imports are capped in size (WORKFLOW_IMPORT_MAX_BYTES,
 * also for text a PNG inflates to), node count and time, and run in a worker thread, off the API's event loop.
 */

/** Where drafts are stored (the storage sweep expires what is under it), kept here for existing importers. */
export { recipeDraftKey, recipeDraftPrefix };

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
  /** What the draft is, without its graph (which can be megabytes): the graph is in the stored draft. */
  summary: z.object({
    recipeId: z.string(), type: JobType, nodeCount: z.int().nonnegative(),
    inputs: z.array(RecipeManifestInput),
    outputs: z.object({ kind: z.enum(['image', 'video']), count: z.int().positive() }),
    nodeClasses: z.array(z.string()),
    models: z.array(z.object({ model: z.string(), commercialUse: z.boolean() })),
    commercialUse: z.boolean(),
  }),
  warnings: z.array(z.string()),
});

function summarise(m: RecipeManifest): z.infer<typeof RecipeImportResult>['summary'] {
  return {
    recipeId: m.id, type: m.type, nodeCount: Object.keys(m.comfyui?.graph ?? {}).length, inputs: m.inputs, outputs: m.outputs,
    nodeClasses: m.requirements.nodeClasses, models: m.requirements.models.map((x) => ({ model: x.model, commercialUse: x.commercialUse })),
    commercialUse: m.commercialUse,
  };
}

const importErrors = {
  SF_WORKFLOW_INVALID: WorkflowInvalidError, SF_WORKFLOW_NODES_UNKNOWN: WorkflowNodesUnknownError,
  SF_WORKFLOW_TOO_LARGE: WorkflowTooLargeError, SF_WORKFLOW_TOO_COMPLEX: WorkflowTooComplexError,
} as const;

/** The designer's file name without extension, as the draft's name. */
const draftName = (filename: string | undefined): string | undefined =>
  filename ? filename.replace(/\.(api|ui)?\.?(json|png|webp)$/i, '') || undefined : undefined;

const routes: FastifyPluginAsyncZod<RecipeImportRoutesOptions> = async (app, opts) => {
  const limits = app.config.workflowImport;
  // Each import runs in its own worker thread with a heap cap; two at a time bound what a burst of imports costs.
  const importSlots = pLimit(2);
  app.post('/api/recipes/import', {
    config: { access: 'designer', rateLimitClass: 'uploads', tooLargeCode: 'SF_WORKFLOW_TOO_LARGE' },
    // A JSON body may be as large as a workflow file, not only the API's 1 MB default.
    bodyLimit: limits.maxBytes,
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
      const part = await req.file({ limits: { fileSize: limits.maxBytes, files: 1, fields: 4, parts: 5 } });
      if (!part || part.fieldname !== 'file') throw new UploadMissingFileError();
      try {
        file = await part.toBuffer();
      } catch (e) {
        if ((e as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw new WorkflowTooLargeError(`the file is larger than the ${limits.maxBytes} bytes allowed`);
        throw e;
      }
      name = draftName(part.filename);
    }
    const objectInfo = await opts.objectInfo?.();
    let result;
    try {
      const input = { ...(file ? { file, name } : { json: req.body }), objectInfo, limits: { maxBytes: limits.maxBytes, maxNodes: limits.maxNodes } };
      result = await importSlots(() => importWorkflowOffThread(input, limits.timeBudgetMs));
    } catch (e) {
      if (e instanceof WorkflowImportError) {
        // The classes a UI-format file needs and no server defines: the studio names them in the designer's language.
        const missing = (e as { missingClasses?: unknown }).missingClasses;
        throw withDetails(new importErrors[e.code](e.message), Array.isArray(missing) ? { missingClasses: missing } : undefined);
      }
      throw e;
    }
    const id = newId();
    const key = recipeDraftKey(id);
    await saveDraft(app.storage, {
      id, key, source: result.source, fileName: name ?? null, manifest: result.manifest, warnings: result.warnings, createdBy: req.user?.id ?? null, published: null,
    });
    return reply.code(201).send({ id, key, source: result.source, summary: summarise(result.manifest), warnings: result.warnings });
  });
};

export const recipeImportRoutes = fp(routes, { name: 'shotfarm-recipe-import-routes', fastify: '5.x', encapsulate: true,
  dependencies: ['shotfarm-config', 'shotfarm-storage'] });
