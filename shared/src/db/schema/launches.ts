import { sql } from 'drizzle-orm';
import { bigint, boolean, check, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import type { LaunchExperimentState, LaunchFailingRule, LaunchPhotoRef, LaunchPlan, LaunchRowProblem, LaunchSkuStatus, LaunchStatus, Params } from '../../schemas/index.ts';

const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/**
 * One batch launch (issue 16). `contentHash` (manifest, photos and plan) makes a re-submission answer the same launch;
 * canceled launches do not count, so the same manifest can be launched again after a cancel.
 */
export const launches = pgTable('launches', {
  id: uuid('id').primaryKey(),
  name: text('name').notNull(),
  status: text('status').$type<LaunchStatus>().notNull(),
  contentHash: text('content_hash').notNull(),
  /** The `Idempotency-Key` it was created with, if any (scoped to its creator). */
  idempotencyKey: text('idempotency_key'),
  plan: jsonb('plan').$type<LaunchPlan>().notNull(),
  /** Expected cost of one SKU at acceptance (price book × expected seconds), milli-fen; null when unpriced. */
  estimatePerSkuMilliFen: bigint('estimate_per_sku_milli_fen', { mode: 'number' }),
  rejected: jsonb('rejected').$type<LaunchRowProblem[]>().notNull(),
  totalSkus: integer('total_skus').notNull(),
  createdBy: text('created_by'),
  createdAt: at('created_at').notNull().defaultNow(),
  startedAt: at('started_at'),
  finishedAt: at('finished_at'),
}, (t) => [
  uniqueIndex('launches_content_unique').on(t.contentHash).where(sql`${t.status} <> 'canceled'`),
  uniqueIndex('launches_idempotency_unique').on(t.createdBy, t.idempotencyKey),
  index('launches_status_idx').on(t.status, t.id),
]);

/**
 * One SKU of a launch. `jobIds` are chosen and committed before any job is submitted, so a restart submits exactly
 * those (a job that exists already is not submitted twice): no SKU lost, none duplicated.
 */
export const launchSkus = pgTable('launch_skus', {
  id: uuid('id').primaryKey(),
  launchId: uuid('launch_id').notNull().references(() => launches.id, { onDelete: 'cascade' }),
  line: integer('line').notNull(),
  sku: text('sku').notNull(),
  title: text('title').notNull(),
  category: text('category').notNull(),
  photos: jsonb('photos').$type<LaunchPhotoRef[]>().notNull(),
  params: jsonb('params').$type<Params>(),
  status: text('status').$type<LaunchSkuStatus>().notNull(),
  jobIds: jsonb('job_ids').$type<string[]>().notNull().default([]),
  /** Every job of `jobIds` exists (submitted); false while a claim is between its commit and its submissions. */
  submitted: boolean('submitted').notNull().default(false),
  failingRules: jsonb('failing_rules').$type<LaunchFailingRule[]>().notNull().default([]),
  errorCode: text('error_code'),
  errorMessage: text('error_message'),
  /**
   * The experiment of plan.experiment on the SKU's main slot: `due` is committed with the picks that call for one (in
   * the same transaction), `started` once it exists (`experimentId`), `failed` when it was refused (`experimentError`).
   * A `due` left by a crash between the two is what the runner's resume path starts; null: none is called for.
   */
  experimentState: text('experiment_state').$type<LaunchExperimentState>(),
  experimentId: uuid('experiment_id'),
  experimentError: text('experiment_error'),
  updatedAt: at('updated_at').notNull().defaultNow(),
  finishedAt: at('finished_at'),
}, (t) => [
  uniqueIndex('launch_skus_launch_sku_unique').on(t.launchId, t.sku),
  index('launch_skus_experiment_due_idx').on(t.launchId).where(sql`${t.experimentState} = 'due'`),
  check('launch_skus_experiment_state_check', sql`${t.experimentState} in ('due','started','failed')`),
  index('launch_skus_launch_status_idx').on(t.launchId, t.status, t.line),
  index('launch_skus_launch_line_idx').on(t.launchId, t.line),
  check('launch_skus_status_check', sql`${t.status} in ('pending','rendering','done','needs_review','failed','skipped_budget','canceled')`),
]);

/** The picked images of a SKU's slot, in rank order: by the ranking, or by a person who swapped them. */
export const launchPicks = pgTable('launch_picks', {
  skuId: uuid('sku_id').notNull().references(() => launchSkus.id, { onDelete: 'cascade' }),
  slot: text('slot').notNull(),
  rank: integer('rank').notNull(),
  assetId: uuid('asset_id').notNull(),
  by: text('by').$type<'auto' | 'person'>().notNull(),
  pickedBy: text('picked_by'),
}, (t) => [primaryKey({ columns: [t.skuId, t.slot, t.rank] })]);
