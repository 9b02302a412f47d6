import fp from 'fastify-plugin';
import type { Config } from '@shotfarm/shared/config';

declare module 'fastify' {
  interface FastifyInstance { config: Config }
}

/** The validated configuration, as a decorator every other plugin declares it needs. */
export const configPlugin = fp<{ config: Config }>(async (app, opts) => {
  app.decorate('config', opts.config);
}, { name: 'shotfarm-config', fastify: '5.x' });
