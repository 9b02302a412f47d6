import fp from 'fastify-plugin';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { holdsRole, RecipeSummary, type UnavailableReason } from '@shotfarm/shared';
import { draftListItem, RecipeDraftListItem } from './recipe-workshop.ts';
import type { Config } from '@shotfarm/shared/config';
import { estimateMilliFenPerImage } from '../services/recipes/recipe-estimate.ts';
import { recipeSamples } from '../services/recipes/recipe-samples.ts';

function unavailableReasons(backend: string, config: Config): UnavailableReason[] {
  const reasons: UnavailableReason[] = [];
  if (!config.renderBackends.includes(backend)) reasons.push('backend-not-enabled');
  if (backend === 'comfyui' && config.comfyui.servers.length === 0) reasons.push('no-comfyui-servers');
  if (backend === 'replicate' && !config.replicate.token) reasons.push('no-replicate-token');
  return reasons;
}

const routes: FastifyPluginAsyncZod = async (app) => {
  app.get('/api/recipes', {
    config: { access: 'authenticated' },
    schema: {
      tags: ['recipes'], summary: 'Every recipe offered for new jobs (its newest version not deprecated), with its inputs and a JSON Schema of its parameters; include=drafts adds the imported drafts (designers)',
      querystring: z.object({ include: z.enum(['drafts']).optional() }),
      response: { 200: z.object({ items: z.array(RecipeSummary), drafts: z.array(RecipeDraftListItem).optional() }) },
    },
  }, async (req) => {
    const recipes = [...app.farm.recipes.values()];
    const samples = await recipeSamples(app.db, app.storage, recipes.map((r) => r.id));
    // The same price book and measured running medians the ledger and the budget check use.
    const pricing = app.farm.costs.pricing();
    const measured = new Map(await Promise.all(recipes.map(async (r) => [r.id, await app.farm.costs.timings.medianSeconds(r.id, r.backend)] as const)));
    return { items: recipes.map((r) => ({
      id: r.id, version: r.version, type: r.type, title: r.title, description: r.description, backend: r.backend,
      available: app.config.renderBackends.includes(r.backend),
      unavailableReasons: app.config.renderBackends.includes(r.backend) ? [] : unavailableReasons(r.backend, app.config),
      paramText: r.paramText, commercialUse: r.commercialUse,
      inputs: r.inputs.map((i) => ({ ...i })), params: z.toJSONSchema(r.params, { io: 'input' }) as Record<string, unknown>,
      estimateSecondsPerTask: measured.get(r.id) ?? r.estimateSecondsPerTask,
      estimateMilliFenPerImage: estimateMilliFenPerImage(r, pricing, measured.get(r.id)),
      sample: samples.get(r.id) ?? null,
    })),
    // Drafts are a designer's work in progress: others asking for them get the recipes alone.
    ...(req.query.include === 'drafts' && req.caller && holdsRole(req.caller.roles, 'designer') && { drafts: (await app.farm.drafts.list()).map(draftListItem) }) };
  });
};

export const recipeRoutes = fp(routes, { name: 'shotfarm-recipe-routes', fastify: '5.x', encapsulate: true, dependencies: ['shotfarm-config', 'shotfarm-db', 'shotfarm-storage', 'shotfarm-farm'] });
