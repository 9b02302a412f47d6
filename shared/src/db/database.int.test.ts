import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../schemas/ids.ts';
import { findPostgresBin, PostgresServer } from '../../test/postgres-server.ts';
import { openDatabase, tables, type Database } from './index.ts';

const pgBin = findPostgresBin();
// CI installs Debian's postgresql (.ci/run): there the PostgreSQL half must run, never skip quietly.
if (!pgBin && process.env.CI) throw new Error('PostgreSQL binaries not found, but CI must run the PostgreSQL suite');
let postgres: PostgresServer | undefined;
/** PGlite keeps its data in a folder, so closing and opening again finds the same database (and its migrations). */
let pgliteDir: string | undefined;

// Each opener opens the same database every time it is called: a second open must re-migrate that database.
const engines: [string, () => Promise<Database>][] = [
  ['PGlite', () => openDatabase({ engine: 'pglite', dataDir: pgliteDir! })],
];
// The same migrations and queries on a real PostgreSQL server, where one is installed (CI installs Debian's).
if (pgBin) engines.push(['PostgreSQL', async () => openDatabase({ engine: 'postgres', url: postgres!.url })]);

beforeAll(async () => {
  pgliteDir = await mkdtemp(path.join(tmpdir(), 'shotfarm-db-test-'));
  if (pgBin) postgres = await PostgresServer.start(pgBin);
}, 60_000);
afterAll(async () => {
  await postgres?.stop();
  if (pgliteDir) await rm(pgliteDir, { recursive: true, force: true });
});

/** Migrations the journal lists: every one must be recorded as applied, once. */
async function journalEntries(): Promise<number> {
  const journal = JSON.parse(await readFile(new URL('./migrations/meta/_journal.json', import.meta.url), 'utf8')) as { entries: unknown[] };
  return journal.entries.length;
}

/** Migrations drizzle has recorded as applied in this database. */
async function appliedMigrations(database: Database): Promise<number> {
  const result = await database.db.execute(sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
  return Number((result as unknown as { rows: { n: number }[] }).rows[0]!.n);
}

describe.each(engines)('database on %s', (_name, open) => {
  let database: Database;
  beforeAll(async () => { database = await open(); }, 60_000);
  afterAll(async () => { await database.close(); });

  const job = () => ({ id: newId(), type: 'product-shot' as const, recipeId: 'product-shot/studio-local', recipeVersion: 1, status: 'queued' as const,
    params: { preset: 'taobao-800' }, inputs: { product: newId() }, variants: 2, priority: 5 });

  it('migrates, and migrating the same database again applies nothing and keeps its rows', async () => {
    await database.ping();
    const applied = await appliedMigrations(database);
    expect(applied).toBe(await journalEntries());
    const j = job();
    await database.db.insert(tables.jobs).values(j);
    // Close first: PGlite holds its data folder alone. The second open runs the migrator over the same data.
    await database.close();
    database = await open();
    expect(await appliedMigrations(database)).toBe(applied);
    expect(await database.db.select().from(tables.jobs).where(eq(tables.jobs.id, j.id))).toHaveLength(1);
  });

  it('stores a job with its tasks and reads JSON back as it went in', async () => {
    const j = job();
    await database.db.transaction(async (tx) => {
      await tx.insert(tables.jobs).values(j);
      await tx.insert(tables.tasks).values([0, 1].map((index) => ({ id: newId(), jobId: j.id, index, status: 'queued' as const, params: { preset: 'taobao-800', nested: { a: [1, 2] } }, seed: 2 ** 31 - 1 })));
    });
    const tasks = await database.db.select().from(tables.tasks).where(eq(tables.tasks.jobId, j.id));
    expect(tasks).toHaveLength(2);
    expect(tasks[0]!.params).toEqual({ preset: 'taobao-800', nested: { a: [1, 2] } });
    expect(tasks[0]!.seed).toBe(2 ** 31 - 1);
  });

  it('rolls a failed transaction back whole: no job without its tasks', async () => {
    const j = job();
    await expect(database.db.transaction(async (tx) => {
      await tx.insert(tables.jobs).values(j);
      await tx.insert(tables.tasks).values({ id: newId(), jobId: j.id, index: 0, status: 'bogus' as 'queued', params: {}, seed: 1 });
    })).rejects.toThrow();
    expect(await database.db.select().from(tables.jobs).where(eq(tables.jobs.id, j.id))).toHaveLength(0);
  });

  it('keys assets by storage key and events by dedupe key, so recording twice adds nothing', async () => {
    const j = job();
    await database.db.insert(tables.jobs).values(j);
    const asset = { kind: 'output' as const, mime: 'image/jpeg' as const, width: 800, height: 800, bytes: 1234, sha256: 'a'.repeat(64), key: `outputs/${j.id}/t/${'a'.repeat(64)}.jpg`, thumbKey: null, jobId: j.id };
    for (let i = 0; i < 2; i++) await database.db.insert(tables.assets).values({ id: newId(), ...asset }).onConflictDoNothing({ target: tables.assets.key });
    expect(await database.db.select().from(tables.assets).where(eq(tables.assets.jobId, j.id))).toHaveLength(1);
    const event = { jobId: j.id, type: 'job-done', data: { status: 'succeeded' }, dedupeKey: `job-done:${j.id}` };
    const first = await database.db.insert(tables.jobEvents).values(event).onConflictDoNothing().returning();
    const second = await database.db.insert(tables.jobEvents).values(event).onConflictDoNothing().returning();
    expect(first).toHaveLength(1);
    expect(second).toHaveLength(0);
    expect(typeof first[0]!.id).toBe('number');
  });

  it('keeps money as integers in the ledger', async () => {
    const j = job();
    await database.db.insert(tables.jobs).values(j);
    await database.db.insert(tables.costEntries).values({ id: newId(), entryKey: 'test:bigint', jobId: j.id, taskId: null, backend: 'local', kind: 'cpu-seconds', quantityMilli: 1500, priceBookVersion: 1, amountMilliFen: 2_500_000_000_123 });
    const rows = await database.db.execute(sql`select amount_milli_fen from cost_entries where job_id = ${j.id}`);
    const value = (rows as unknown as { rows: { amount_milli_fen: string | number }[] }).rows[0]!.amount_milli_fen;
    expect(BigInt(value)).toBe(2_500_000_000_123n);
  });
});
