import fp from 'fastify-plugin';
import { openDatabase, type Database, type Db } from '@shotfarm/shared/db';

declare module 'fastify' {
  interface FastifyInstance { database: Database; db: Db }
}

/**
 * The manager owns the database (workers never open it). `database` may be handed in already open
 * (tests share one PGlite across apps); otherwise config decides: PostgreSQL when DATABASE_URL is set, else PGlite.
 */
export const dbPlugin = fp<{ database?: Database }>(async (app, opts) => {
  const owned = opts.database === undefined;
  const database = opts.database ?? (app.config.databaseUrl
    ? await openDatabase({ engine: 'postgres', url: app.config.databaseUrl })
    : await openDatabase({ engine: 'pglite', dataDir: app.config.pgliteDir }));
  app.decorate('database', database);
  app.decorate('db', database.db);
  if (owned) app.addHook('onClose', () => database.close());
}, { name: 'shotfarm-db', fastify: '5.x', dependencies: ['shotfarm-config'] });
