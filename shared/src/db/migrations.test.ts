import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { generateDrizzleJson, generateMigration, type DrizzleSnapshotJSON } from 'drizzle-kit/api';
import { describe, expect, it } from 'vitest';
import * as schema from './schema/index.ts';

/**
 * The schema in `schema/` and the migrations agree. Migrations are written by `drizzle-kit generate` (or by hand, in
 * its style) together with a snapshot of the schema they lead to; `drizzle-kit generate` diffs the schema against
 * the newest snapshot. So a schema change without its migration and snapshot, or a hand-written migration whose
 * snapshot was not refreshed, shows up here as the SQL that is still missing — instead of as a later `db:generate`
 * that re-creates tables that already exist.
 */
const migrationsDir = fileURLToPath(new URL('./migrations/', import.meta.url));

describe('database migrations', () => {
  it('leave nothing of the schema unmigrated: the newest snapshot is the schema', async () => {
    const snapshots = readdirSync(new URL('meta/', `file://${migrationsDir}`)).filter((f) => f.endsWith('_snapshot.json')).sort();
    const newest = JSON.parse(readFileSync(`${migrationsDir}meta/${snapshots.at(-1)!}`, 'utf8')) as DrizzleSnapshotJSON;
    const current = generateDrizzleJson(schema, newest.id);
    expect(await generateMigration(newest, current)).toEqual([]);
  });

  it('name every migration in the journal, in order, each with its SQL file', () => {
    const journal = JSON.parse(readFileSync(`${migrationsDir}meta/_journal.json`, 'utf8')) as { entries: { idx: number; tag: string; when: number }[] };
    const files = readdirSync(migrationsDir).filter((f) => f.endsWith('.sql')).map((f) => f.replace(/\.sql$/, '')).sort();
    expect(journal.entries.map((e) => e.tag).sort()).toEqual(files);
    const idx = journal.entries.map((e) => e.idx);
    expect(idx).toEqual([...idx].sort((a, b) => a - b));
    // drizzle's migrator skips a migration older than the newest one a database has applied: `when` must grow too.
    const when = journal.entries.map((e) => e.when);
    expect(when).toEqual([...when].sort((a, b) => a - b));
  });
});
