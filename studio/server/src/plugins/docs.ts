import fp from 'fastify-plugin';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';

/** The OpenAPI document (`/docs/json`) and its UI (`/docs`), generated from the route schemas. */
export const docsPlugin = fp(async (app) => {
  await app.register(swagger, {
    openapi: {
      info: { title: 'Shotfarm API', description: 'AIGC visual-content studio and render farm for e-commerce.', version: '0.1.0' },
      tags: [{ name: 'assets' }, { name: 'jobs' }, { name: 'scores' }, { name: 'recipes' }, { name: 'health' }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
}, { name: 'shotfarm-docs', fastify: '5.x' });
