import { sql } from 'drizzle-orm';
import { bigint, boolean, doublePrecision, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import type { DecisionReason, DecisionState, ExperimentGuardrails, ExperimentPolicy, ExperimentStatus, LiveChangeReason } from '../../schemas/index.ts';
import { assets } from './assets.ts';

/** An A/B rollout of one SKU slot's image. At most one runs per slot (the partial unique index). */
export const experiments = pgTable('experiments', {
  id: uuid('id').primaryKey(),
  sku: text('sku').notNull(),
  slot: text('slot').notNull(),
  status: text('status').$type<ExperimentStatus>().notNull(),
  policy: text('policy').$type<ExperimentPolicy>().notNull(),
  /** Normalised weights of a `fixed` policy, in arm order. */
  fixedWeights: jsonb('fixed_weights').$type<number[]>(),
  autoPromote: boolean('auto_promote').notNull(),
  guardrails: jsonb('guardrails').$type<ExperimentGuardrails>().notNull(),
  /** m of the scorer prior Beta(m·p̂, m·(1−p̂)) when the experiment started. */
  priorStrength: doublePrecision('prior_strength').notNull(),
  decisionState: text('decision_state').$type<DecisionState>().notNull(),
  decisionReason: text('decision_reason').$type<DecisionReason>().notNull(),
  srmPValue: doublePrecision('srm_p_value').notNull(),
  /** The allocation period now being served (0 from the start; +1 at each update that changes the weights). */
  period: integer('period').notNull(),
  promotedAssetId: uuid('promoted_asset_id'),
  createdBy: text('created_by'),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  endedAt: timestamp('ended_at', { withTimezone: true, mode: 'date' }),
}, (t) => [
  uniqueIndex('experiments_running_slot_unique').on(t.sku, t.slot).where(sql`${t.status} = 'running'`),
  index('experiments_sku_idx').on(t.sku, t.createdAt),
]);

/** An arm: a candidate image with its prior and its latest weight and P(best). Counts live in `experiment_counts`. */
export const experimentArms = pgTable('experiment_arms', {
  experimentId: uuid('experiment_id').notNull().references(() => experiments.id, { onDelete: 'cascade' }),
  position: integer('position').notNull(),
  assetId: uuid('asset_id').notNull().references(() => assets.id),
  control: boolean('control').notNull(),
  predictedCtr: doublePrecision('predicted_ctr'),
  priorAlpha: doublePrecision('prior_alpha').notNull(),
  priorBeta: doublePrecision('prior_beta').notNull(),
  weight: doublePrecision('weight').notNull(),
  pBest: doublePrecision('p_best').notNull(),
}, (t) => [primaryKey({ columns: [t.experimentId, t.position] })]);

/** Each allocation period's weights, so results can be weighted by period and the SRM check knows what was expected. */
export const experimentPeriods = pgTable('experiment_periods', {
  experimentId: uuid('experiment_id').notNull().references(() => experiments.id, { onDelete: 'cascade' }),
  period: integer('period').notNull(),
  weights: jsonb('weights').$type<number[]>().notNull(),
  pBest: jsonb('p_best').$type<number[]>().notNull(),
  startedAt: timestamp('started_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
}, (t) => [primaryKey({ columns: [t.experimentId, t.period] })]);

/** Counts flushed from Redis: new visitor assignments, impressions and clicks per period and arm. */
export const experimentCounts = pgTable('experiment_counts', {
  experimentId: uuid('experiment_id').notNull().references(() => experiments.id, { onDelete: 'cascade' }),
  period: integer('period').notNull(),
  position: integer('position').notNull(),
  assignments: bigint('assignments', { mode: 'number' }).notNull().default(0),
  impressions: bigint('impressions', { mode: 'number' }).notNull().default(0),
  clicks: bigint('clicks', { mode: 'number' }).notNull().default(0),
}, (t) => [primaryKey({ columns: [t.experimentId, t.period, t.position] })]);

/** Flush batches already added to `experiment_counts`: a flush retried after a crash adds nothing twice. */
export const experimentFlushes = pgTable('experiment_flushes', {
  token: text('token').primaryKey(),
  experimentId: uuid('experiment_id').notNull().references(() => experiments.id, { onDelete: 'cascade' }),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
});

/** The live pointer of a SKU slot: the image shoppers see when no experiment runs. */
export const slotPointers = pgTable('slot_pointers', {
  sku: text('sku').notNull(),
  slot: text('slot').notNull(),
  assetId: uuid('asset_id').notNull().references(() => assets.id),
  since: timestamp('since', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
}, (t) => [primaryKey({ columns: [t.sku, t.slot] })]);

/** Every move of a live pointer: who, when, why; rollback reads the newest one. */
export const slotHistory = pgTable('slot_history', {
  id: uuid('id').primaryKey(),
  sku: text('sku').notNull(),
  slot: text('slot').notNull(),
  assetId: uuid('asset_id').notNull().references(() => assets.id),
  previousAssetId: uuid('previous_asset_id'),
  reason: text('reason').$type<LiveChangeReason>().notNull(),
  experimentId: uuid('experiment_id'),
  createdBy: text('created_by'),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
}, (t) => [index('slot_history_slot_idx').on(t.sku, t.slot, t.id)]);
