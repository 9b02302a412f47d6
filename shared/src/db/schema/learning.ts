import { bigint, date, doublePrecision, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { experiments } from './experiments.ts';

/**
 * Impressions and clicks per experiment, UTC day (of the event's own timestamp), allocation period and arm:
 * flushed from Redis with `experiment_counts` in the same transaction, so the learning loop's training data
 * adds up to exactly what `/serve` and `/events` counted.
 */
export const experimentDailyCounts = pgTable('experiment_daily_counts', {
  experimentId: uuid('experiment_id').notNull().references(() => experiments.id, { onDelete: 'cascade' }),
  day: date('day', { mode: 'string' }).notNull(),
  period: integer('period').notNull(),
  position: integer('position').notNull(),
  impressions: bigint('impressions', { mode: 'number' }).notNull().default(0),
  clicks: bigint('clicks', { mode: 'number' }).notNull().default(0),
}, (t) => [primaryKey({ columns: [t.experimentId, t.day, t.period, t.position] })]);

/** Training rows brought from outside logs (`POST /api/training-data`), in the export's own format. */
export const trainingImports = pgTable('training_imports', {
  id: uuid('id').primaryKey(),
  /** One import request: all its rows or none. */
  batchId: uuid('batch_id').notNull(),
  day: date('day', { mode: 'string' }).notNull(),
  sku: text('sku').notNull(),
  /** The shop's own image id (not necessarily a farm asset). */
  image: text('image').notNull(),
  impressions: bigint('impressions', { mode: 'number' }).notNull(),
  clicks: bigint('clicks', { mode: 'number' }).notNull(),
  allocation: doublePrecision('allocation'),
  features: jsonb('features').$type<Record<string, number>>().notNull(),
  createdBy: text('created_by'),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
}, (t) => [index('training_imports_day_idx').on(t.day, t.sku)]);
