import type { RouteAccess } from '@shotfarm/shared';

// Every route declares who may call it in its options: `app.get(url, { config: { access: 'designer' }, schema }, handler)`.
// The auth plugin refuses to register a route without a declaration and enforces it on every request.
declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RouteAccess;
  }
}

export type { RouteAccess };
