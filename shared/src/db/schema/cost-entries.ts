import { bigint, index, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import type { CostKind, PriceBookContent } from '../../schemas/index.ts';
import { jobs, tasks } from './jobs.ts';

/**
 * The cost ledger. Integer milli-fen only. `entry_key` is unique: one line per task attempt (task and run), per
 * server-hour-job of idle time, per day-job of storage, so a replayed event or a second pass never charges twice.
 * Launch and SKU are plain columns (no launch table yet), filled once launches exist.
 */
export const costEntries = pgTable('cost_entries', {
  id: uuid('id').primaryKey(),
  entryKey: text('entry_key').notNull().unique('cost_entries_entry_key_unique'),
  jobId: uuid('job_id').references(() => jobs.id, { onDelete: 'cascade' }),
  taskId: uuid('task_id').references(() => tasks.id, { onDelete: 'cascade' }),
  run: integer('run'),
  outcome: text('outcome'),
  backend: text('backend').notNull(),
  server: text('server'),
  gpu: text('gpu'),
  recipeId: text('recipe_id'),
  launchId: uuid('launch_id'),
  sku: text('sku'),
  kind: text('kind').$type<CostKind>().notNull(),
  quantityMilli: bigint('quantity_milli', { mode: 'number' }).notNull(),
  images: integer('images').notNull().default(0),
  priceBookVersion: integer('price_book_version').notNull(),
  amountMilliFen: bigint('amount_milli_fen', { mode: 'number' }).notNull(),
  occurredAt: timestamp('occurred_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
}, (t) => [
  index('cost_entries_occurred_idx').on(t.occurredAt),
  index('cost_entries_job_idx').on(t.jobId),
  index('cost_entries_recipe_backend_idx').on(t.recipeId, t.backend, t.occurredAt),
]);

/** Every version of the price book; the highest is in force. Versions are never rewritten (ledger lines cite them). */
export const priceBooks = pgTable('price_books', {
  version: integer('version').primaryKey(),
  content: jsonb('content').$type<PriceBookContent>().notNull(),
  createdBy: text('created_by'),
  note: text('note'),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
});
