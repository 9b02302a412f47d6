import { fileURLToPath } from 'node:url';
import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import pg from 'pg';
import * as schema from './schema/index.ts';

/** The drizzle handle every repository takes; the same type on PGlite and on PostgreSQL. */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface Database {
  readonly db: Db;
  /** `pglite` (embedded) or `postgres`. */
  readonly engine: 'pglite' | 'postgres';
  ping(): Promise<void>;
  close(): Promise<void>;
}

export type DatabaseOptions =
  /** `dataDir` undefined: in memory (tests). */
  | { engine: 'pglite'; dataDir: string | undefined }
  | { engine: 'postgres'; url: string; poolSize?: number };

const migrationsFolder = fileURLToPath(new URL('./migrations', import.meta.url));

/** Open the database and bring its schema up to date; the same migrations run on both engines. */
export async function openDatabase(opts: DatabaseOptions): Promise<Database> {
  if (opts.engine === 'pglite') {
    if (opts.dataDir) await mkdir(opts.dataDir, { recursive: true });
    const client = opts.dataDir ? new PGlite(opts.dataDir) : new PGlite();
    const db = drizzlePglite({ client, schema });
    await migratePglite(db, { migrationsFolder });
    return {
      db: db as unknown as Db, engine: 'pglite',
      ping: async () => { await db.execute(sql`select 1`); },
      close: () => client.close(),
    };
  }
  const pool = new pg.Pool({ connectionString: opts.url, max: opts.poolSize ?? 10 });
  const db = drizzlePg({ client: pool, schema });
  await migratePg(db, { migrationsFolder });
  return {
    db: db as unknown as Db, engine: 'postgres',
    ping: async () => { await db.execute(sql`select 1`); },
    close: () => pool.end(),
  };
}
