import fp from 'fastify-plugin';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  ApiError, JobAccepted, JobTrial, JobType, LocalisedText, RecipeCapability, RecipeTrialRequest, RecipeDraftUpdate, RecipeDraftView, RecipePublished, RecipeVersionDetail,
  RecipeVersionDiff, RecipeVersionList, RecipeVersionSummary,
} from '@shotfarm/shared';
import { diffManifests } from '@shotfarm/workflows';

/**
 * The recipe workshop (issue 13): drafts a designer finishes, versions a publisher (or an admin) publishes and deprecates, the diff of
 * two versions and which ComfyUI servers can run a recipe. Thin: parse, authorise, call the catalog or the drafts.
 * Ids are `<type>/<name>`, so routes take them as two path segments: `/api/recipes/product-shot/my-scene/versions`.
 */

const RecipePath = z.object({ type: JobType, name: z.string().regex(/^[a-z0-9-]+$/) });
const VersionPath = RecipePath.extend({ v: z.coerce.number().int().positive() });
const DraftPath = z.object({ id: z.string().min(1).max(64) });

/** A draft as the list shows it: no graph (which can be megabytes). */
export const RecipeDraftListItem = z.object({
  id: z.string(), recipeId: z.string(), type: JobType, title: LocalisedText, source: z.string(), fileName: z.string().nullable(),
  nodeCount: z.int(), issues: z.array(z.string()), updatedAt: z.string().nullable(),
  published: z.object({ id: z.string(), version: z.int() }).nullable(),
});

export const draftListItem = (d: RecipeDraftView): z.infer<typeof RecipeDraftListItem> => ({
  id: d.id, recipeId: d.manifest.id, type: d.manifest.type, title: d.manifest.title, source: d.source, fileName: d.fileName ?? null,
  nodeCount: d.nodes.length, issues: d.issues, updatedAt: d.updatedAt ?? null, published: d.published ?? null,
});

const idOf = (p: { type: string; name: string }): string => `${p.type}/${p.name}`;

const routes: FastifyPluginAsyncZod = async (app) => {
  const { catalog, drafts, trials, capabilities } = app.farm;

  app.get('/api/recipes/drafts', {
    config: { access: 'designer' },
    schema: { tags: ['recipes'], summary: 'Imported drafts, newest first (without their graphs)', response: { 200: z.object({ items: z.array(RecipeDraftListItem) }) } },
  }, async () => ({ items: (await drafts.list()).map(draftListItem) }));

  app.get('/api/recipes/drafts/:id', {
    config: { access: 'designer' },
    schema: { tags: ['recipes'], summary: 'A draft with its graph\'s nodes, proposed bindings and whether it validates', params: DraftPath, response: { 200: RecipeDraftView, '4xx': ApiError } },
  }, async (req) => drafts.view(req.params.id));

  app.post('/api/recipes/drafts/:id', {
    config: { access: 'designer' },
    schema: {
      tags: ['recipes'], summary: 'Finish a draft: names, inputs and parameters, bindings, outputs, models and licences, estimate (validated; refused with every issue)',
      params: DraftPath, body: RecipeDraftUpdate, response: { 200: RecipeDraftView, '4xx': ApiError },
    },
  }, async (req) => drafts.update(req.params.id, req.body));

  app.get('/api/recipes/drafts/:id/capabilities', {
    config: { access: 'designer' },
    schema: {
      tags: ['recipes'], summary: 'Per configured ComfyUI server: can it run the draft as it is now, and what is missing there (to choose where to try it)',
      params: DraftPath, response: { 200: z.object({ items: z.array(RecipeCapability) }), '4xx': ApiError },
    },
  }, async (req) => ({ items: await capabilities.of((await drafts.get(req.params.id)).manifest) }));

  app.post('/api/recipes/drafts/:id/trial', {
    config: { access: 'designer' },
    schema: {
      tags: ['recipes'], summary: 'Run the draft once as it is now (one variant, optionally on a chosen ComfyUI server), before publishing it',
      params: DraftPath, body: RecipeTrialRequest, response: { 201: JobAccepted.extend({ trial: JobTrial }), '4xx': ApiError },
    },
  }, async (req, reply) => reply.code(201).send(await trials.run(req.params.id, req.body, { createdBy: req.user?.id ?? null })));

  app.post('/api/recipes/drafts/:id/publish', {
    config: { access: 'publisher' },
    schema: { tags: ['recipes'], summary: 'Publish a draft as the next version of its recipe (audited)', params: DraftPath, response: { 201: RecipePublished, '4xx': ApiError } },
  }, async (req, reply) => {
    const published = await drafts.publish(req.params.id, { userId: req.user?.id ?? null });
    await app.accounts.audit.record({ action: 'recipe.publish', caller: req.caller, ip: req.ip, target: { type: 'recipe', id: `${published.id}@${published.version}` }, details: { draftId: req.params.id } });
    return reply.code(201).send(published);
  });

  app.get('/api/recipes/versions', {
    config: { access: 'designer' },
    schema: { tags: ['recipes'], summary: 'Every published recipe version, deprecated ones included', response: { 200: RecipeVersionList } },
  }, async () => ({ items: await catalog.allVersions() }));

  app.get('/api/recipes/:type/:name/versions', {
    config: { access: 'authenticated' },
    schema: { tags: ['recipes'], summary: 'The versions of one recipe, oldest first', params: RecipePath, response: { 200: RecipeVersionList } },
  }, async (req) => ({ items: await catalog.versions(idOf(req.params)) }));

  app.get('/api/recipes/:type/:name/versions/:v', {
    config: { access: 'designer' },
    schema: { tags: ['recipes'], summary: 'One version with its manifest', params: VersionPath, response: { 200: RecipeVersionDetail, '4xx': ApiError } },
  }, async (req) => catalog.detail({ id: idOf(req.params), version: req.params.v }));

  app.post('/api/recipes/:type/:name/versions/:v/deprecate', {
    config: { access: 'publisher' },
    schema: { tags: ['recipes'], summary: 'Hide a version from Create and refuse it for new jobs; old jobs keep it (audited)', params: VersionPath, response: { 200: RecipeVersionSummary, '4xx': ApiError } },
  }, async (req) => {
    const ref = { id: idOf(req.params), version: req.params.v };
    const summary = await catalog.deprecate(ref, { userId: req.user?.id ?? null });
    await app.accounts.audit.record({ action: 'recipe.deprecate', caller: req.caller, ip: req.ip, target: { type: 'recipe', id: `${ref.id}@${ref.version}` } });
    return summary;
  });

  app.get('/api/recipes/:type/:name/diff', {
    config: { access: 'designer' },
    schema: {
      tags: ['recipes'], summary: 'What changed between two versions: parameters, bindings, models',
      params: RecipePath, querystring: z.object({ from: z.coerce.number().int().positive(), to: z.coerce.number().int().positive() }),
      response: { 200: RecipeVersionDiff, '4xx': ApiError },
    },
  }, async (req) => {
    const id = idOf(req.params);
    const [from, to] = await Promise.all([catalog.manifestAt({ id, version: req.query.from }), catalog.manifestAt({ id, version: req.query.to })]);
    return diffManifests(from, to);
  });

  app.get('/api/recipes/:type/:name/capabilities', {
    config: { access: 'designer' },
    schema: {
      tags: ['recipes'], summary: 'Per configured ComfyUI server: can it run the offered version, and what is missing there',
      params: RecipePath, response: { 200: z.object({ items: z.array(RecipeCapability) }), '4xx': ApiError },
    },
  }, async (req) => ({ items: await capabilities.of(app.farm.recipes.get(idOf(req.params))?.manifest) }));
};

export const recipeWorkshopRoutes = fp(routes, {
  name: 'shotfarm-recipe-workshop-routes', fastify: '5.x', encapsulate: true,
  dependencies: ['shotfarm-config', 'shotfarm-farm', 'shotfarm-auth'],
});
