import { integer, jsonb, pgTable, primaryKey, text, timestamp, index } from 'drizzle-orm/pg-core';

/**
 * Answers kept for `Idempotency-Key` requests (POST /api/jobs, POST /api/assets, …) for 24 hours: the same key and
 * body get the same answer instead of a duplicate job. `statusCode` null: the first request is still being handled.
 * `scope` is the route and the caller, so two callers' keys never meet.
 */
export const idempotencyKeys = pgTable('idempotency_keys', {
  scope: text('scope').notNull(),
  key: text('key').notNull(),
  /** sha256 of the request body (of the uploaded file's bytes for uploads). */
  requestHash: text('request_hash').notNull(),
  statusCode: integer('status_code'),
  response: jsonb('response'),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
}, (t) => [primaryKey({ name: 'idempotency_keys_pk', columns: [t.scope, t.key] }), index('idempotency_keys_created_at_idx').on(t.createdAt)]);
