import fp from 'fastify-plugin';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { JobType } from '@shotfarm/shared';

const Localised = z.object({ 'zh-CN': z.string(), en: z.string() });
const RecipeSummary = z.object({
  id: z.string(), version: z.int(), type: JobType, title: Localised, description: Localised, backend: z.string(),
  available: z.boolean(),
  /** False when a model the recipe runs forbids commercial use (its licence), so the studio can warn. */
  commercialUse: z.boolean(),
  inputs: z.array(z.object({ name: z.string(), role: z.string(), required: z.boolean(), label: Localised })),
  /** JSON Schema of the parameters, for generated forms. */
  params: z.record(z.string(), z.unknown()),
  estimateSecondsPerTask: z.number(),
});

const routes: FastifyPluginAsyncZod = async (app) => {
  app.get('/api/recipes', {
    schema: { tags: ['recipes'], summary: 'Every recipe, with its inputs and a JSON Schema of its parameters', response: { 200: z.object({ items: z.array(RecipeSummary) }) } },
  }, async () => ({
    items: [...app.farm.recipes.values()].map((r) => ({
      id: r.id, version: r.version, type: r.type, title: r.title, description: r.description, backend: r.backend,
      available: app.config.renderBackends.includes(r.backend), commercialUse: r.commercialUse,
      inputs: r.inputs.map((i) => ({ ...i })), params: z.toJSONSchema(r.params, { io: 'input' }) as Record<string, unknown>,
      estimateSecondsPerTask: r.estimateSecondsPerTask,
    })),
  }));
};

export const recipeRoutes = fp(routes, { name: 'shotfarm-recipe-routes', fastify: '5.x', encapsulate: true, dependencies: ['shotfarm-farm'] });
