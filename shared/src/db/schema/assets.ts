import { bigint, index, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import type { AssetKind, AssetMime, Params } from '../../schemas/index.ts';
import { jobs, tasks } from './jobs.ts';

/**
 * Every stored image or video. `key` is unique: it is derived from content (and task), so recording the
 * same output twice — a retried task, a replayed event — finds the existing row instead of adding one.
 */
export const assets = pgTable('assets', {
  id: uuid('id').primaryKey(),
  kind: text('kind').$type<AssetKind>().notNull(),
  mime: text('mime').$type<AssetMime>().notNull(),
  width: integer('width').notNull(),
  height: integer('height').notNull(),
  bytes: bigint('bytes', { mode: 'number' }).notNull(),
  sha256: text('sha256').notNull(),
  key: text('key').notNull().unique('assets_key_unique'),
  thumbKey: text('thumb_key'),
  jobId: uuid('job_id').references(() => jobs.id, { onDelete: 'set null' }),
  taskId: uuid('task_id').references(() => tasks.id, { onDelete: 'set null' }),
  params: jsonb('params').$type<Params>(),
  /** The user who uploaded it or whose job rendered it; null before accounts existed. */
  createdBy: text('created_by'),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
}, (t) => [index('assets_job_idx').on(t.jobId), index('assets_kind_idx').on(t.kind, t.id)]);
