import fp from 'fastify-plugin';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { JobType } from '@shotfarm/shared';
import { estimateMilliFenPerImage } from '../services/recipe-estimate.ts';
import { recipeSamples } from '../services/recipe-samples.ts';

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
  /** Rented compute per image at the configured price, integer milli-fen (¥0.00001); null when no price is configured. */
  estimateMilliFenPerImage: z.int().nonnegative().nullable(),
  /** An output of the recipe's newest succeeded job on this farm; null until it has run once. */
  sample: z.object({ url: z.string(), thumbnailUrl: z.string().nullable() }).nullable(),
});

const routes: FastifyPluginAsyncZod = async (app) => {
  app.get('/api/recipes', {
    schema: { tags: ['recipes'], summary: 'Every recipe, with its inputs and a JSON Schema of its parameters', response: { 200: z.object({ items: z.array(RecipeSummary) }) } },
  }, async () => {
    const recipes = [...app.farm.recipes.values()];
    const samples = await recipeSamples(app.db, app.storage, recipes.map((r) => r.id));
    return { items: recipes.map((r) => ({
      id: r.id, version: r.version, type: r.type, title: r.title, description: r.description, backend: r.backend,
      available: app.config.renderBackends.includes(r.backend), commercialUse: r.commercialUse,
      inputs: r.inputs.map((i) => ({ ...i })), params: z.toJSONSchema(r.params, { io: 'input' }) as Record<string, unknown>,
      estimateSecondsPerTask: r.estimateSecondsPerTask,
      estimateMilliFenPerImage: estimateMilliFenPerImage(r, app.config),
      sample: samples.get(r.id) ?? null,
    })) };
  });
};

export const recipeRoutes = fp(routes, { name: 'shotfarm-recipe-routes', fastify: '5.x', encapsulate: true, dependencies: ['shotfarm-config', 'shotfarm-db', 'shotfarm-storage', 'shotfarm-farm'] });
