import { bigint, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import type { CostKind } from '../../schemas/index.ts';
import { jobs, tasks } from './jobs.ts';

/** The cost ledger. Integer milli-fen only; one line per task and kind, so a replay never double-charges. */
export const costEntries = pgTable('cost_entries', {
  id: uuid('id').primaryKey(),
  jobId: uuid('job_id').notNull().references(() => jobs.id, { onDelete: 'cascade' }),
  taskId: uuid('task_id').references(() => tasks.id, { onDelete: 'cascade' }),
  backend: text('backend').notNull(),
  kind: text('kind').$type<CostKind>().notNull(),
  quantityMilli: bigint('quantity_milli', { mode: 'number' }).notNull(),
  amountMilliFen: bigint('amount_milli_fen', { mode: 'number' }).notNull(),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
}, (t) => [unique('cost_entries_task_kind_unique').on(t.taskId, t.kind)]);
