import fp from 'fastify-plugin';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';
import { declareScopeAccess } from './route-access.ts';

/** The OpenAPI document (`/docs/json`) and its UI (`/docs`), generated from the route schemas. */
export const docsPlugin = fp(async (app) => {
  await app.register(swagger, {
    openapi: {
      info: { title: 'Shotfarm API', description: 'AIGC visual-content studio and render farm for e-commerce.', version: '0.1.0' },
      tags: [{ name: 'assets' }, { name: 'jobs' }, { name: 'scores' }, { name: 'recipes' }, { name: 'accounts' }, { name: 'health' }],
      components: { securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'An API key, `sf_…`' }, session: { type: 'apiKey', in: 'cookie', name: 'sf_session' } } },
      security: [{ apiKey: [] }, { session: [] }],
    },
    transform: jsonSchemaTransform,
  });
  // The docs pages describe the API and grant nothing: public, declared for the routes swagger-ui registers.
  await app.register(async (scope) => {
    declareScopeAccess(scope, 'public');
    await scope.register(swaggerUi, { routePrefix: '/docs' });
  });
}, { name: 'shotfarm-docs', fastify: '5.x' });
