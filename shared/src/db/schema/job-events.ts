import { bigint, index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { jobs } from './jobs.ts';

/**
 * The job's event log behind Server-Sent Events: `id` is the SSE id, so a client reconnecting with
 * `Last-Event-ID` gets every later row. `dedupeKey` makes recording an event idempotent.
 */
export const jobEvents = pgTable('job_events', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  jobId: uuid('job_id').notNull().references(() => jobs.id, { onDelete: 'cascade' }),
  type: text('type').notNull(),
  data: jsonb('data').$type<Record<string, unknown>>().notNull(),
  dedupeKey: text('dedupe_key').notNull().unique('job_events_dedupe_unique'),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
}, (t) => [index('job_events_job_idx').on(t.jobId, t.id)]);
