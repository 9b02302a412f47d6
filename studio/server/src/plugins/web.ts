import { createReadStream, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fp from 'fastify-plugin';
import fastifyStatic from '@fastify/static';
import { declareScopeAccess } from './route-access.ts';

/** Where `vite build` writes the studio bundle. */
export const webDistDir = fileURLToPath(new URL('../../../web/dist', import.meta.url));

/**
 * Serves the studio's production bundle at `/` and answers unknown API paths with a coded 404.
 * Any other GET falls back to index.html, so client-side routes survive a reload.
 */
export const webPlugin = fp(async (app) => {
  const hasBundle = existsSync(`${webDistDir}/index.html`);
  // The bundle's files are public (the login page is one of them); @fastify/static's routes get that declared here.
  if (hasBundle) {
    await app.register(async (scope) => {
      declareScopeAccess(scope, 'public');
      await scope.register(fastifyStatic, { root: webDistDir, prefix: '/', wildcard: false, index: 'index.html' });
    });
  }
  app.setNotFoundHandler((req, reply) => {
    const isPage = req.method === 'GET' && !/^\/(api|files|docs)(\/|$)/.test(req.url);
    if (isPage && hasBundle) return reply.type('text/html').send(createReadStream(`${webDistDir}/index.html`));
    return reply.code(404).send({ code: 'SF_ROUTE_NOT_FOUND', message: `no route ${req.method} ${req.url.split('?')[0]}` });
  });
}, { name: 'shotfarm-web', fastify: '5.x' });
