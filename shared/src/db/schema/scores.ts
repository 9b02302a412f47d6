import { bigint, boolean, doublePrecision, index, integer, jsonb, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import type { ImageScore, ModelStatus, ReviewVerdict } from '../../schemas/index.ts';
import { assets } from './assets.ts';

/**
 * Versioned models (CTR and later quality heads): the row says which version is active; the ONNX file
 * lives in storage under `key`. Activating another version switches every scorer worker without a restart.
 */
export const models = pgTable('models', {
  id: uuid('id').primaryKey(),
  name: text('name').notNull(),
  version: integer('version').notNull(),
  key: text('key').notNull(),
  sha256: text('sha256').notNull(),
  active: boolean('active').notNull().default(false),
  /** candidate / active / shadow / retired (issue 17); `active` stays true for exactly the `active` one. */
  status: text('status').$type<ModelStatus>().notNull().default('candidate'),
  /** Who activated it last (user id); null for the shipped model activated at start-up. */
  promotedBy: text('promoted_by'),
  promotedAt: timestamp('promoted_at', { withTimezone: true, mode: 'date' }),
  metadata: jsonb('metadata').$type<Record<string, unknown>>().notNull(),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
}, (t) => [unique('models_name_version_unique').on(t.name, t.version)]);

/** One score per asset and model version: re-scoring with a new model adds a row, never rewrites history. */
export const scores = pgTable('scores', {
  id: uuid('id').primaryKey(),
  assetId: uuid('asset_id').notNull().references(() => assets.id, { onDelete: 'cascade' }),
  modelVersion: text('model_version').notNull(),
  quality: doublePrecision('quality').notNull(),
  ctr: doublePrecision('ctr').notNull(),
  phash: text('phash').notNull(),
  /** Gate profiles passed, for filtering without unpacking `result`. */
  gatesPassed: jsonb('gates_passed').$type<string[]>().notNull(),
  result: jsonb('result').$type<ImageScore>().notNull(),
  scoreMs: bigint('score_ms', { mode: 'number' }).notNull(),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
}, (t) => [unique('scores_asset_model_unique').on(t.assetId, t.modelVersion), index('scores_asset_idx').on(t.assetId, t.createdAt)]);

/** Designers' approvals and rejections: labels for a learned quality head. */
export const assetReviews = pgTable('asset_reviews', {
  id: uuid('id').primaryKey(),
  assetId: uuid('asset_id').notNull().references(() => assets.id, { onDelete: 'cascade' }),
  verdict: text('verdict').$type<ReviewVerdict>().notNull(),
  reason: text('reason'),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
}, (t) => [index('asset_reviews_asset_idx').on(t.assetId)]);
