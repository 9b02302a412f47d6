import { sql } from 'drizzle-orm';
import { bigint, check, doublePrecision, index, integer, jsonb, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import type { JobStatus, JobTrial, JobType, Params, RenderUsage, RoutingDecision, SweepAxis, TaskStatus } from '../../schemas/index.ts';

const createdAt = () => timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow();

/** A job as submitted: one row, committed with its tasks before anything is enqueued. */
export const jobs = pgTable('jobs', {
  id: uuid('id').primaryKey(),
  type: text('type').$type<JobType>().notNull(),
  recipeId: text('recipe_id').notNull(),
  recipeVersion: integer('recipe_version').notNull(),
  status: text('status').$type<JobStatus>().notNull(),
  params: jsonb('params').$type<Params>().notNull(),
  inputs: jsonb('inputs').$type<Record<string, string>>().notNull(),
  variants: integer('variants').notNull(),
  priority: integer('priority').notNull(),
  /** The parameter sweep's axes (values as parsed by the recipe); null for a job without a sweep. */
  sweep: jsonb('sweep').$type<SweepAxis[]>(),
  errorCode: text('error_code'),
  errorMessage: text('error_message'),
  /** Times a person retried the job's failed tasks; events of each run carry it so none is mistaken for an earlier one's. */
  retries: integer('retries').notNull().default(0),
  /** The user who submitted the job (directly or through one of their API keys); null before accounts existed. */
  createdBy: text('created_by'),
  /** The most the job may spend, milli-fen; null: only the daily cap applies. */
  budgetMilliFen: bigint('budget_milli_fen', { mode: 'number' }),
  /** What its tasks were expected to cost at submission (price book × expected seconds), milli-fen; null when unpriced. */
  estimateMilliFen: bigint('estimate_milli_fen', { mode: 'number' }),
  /** How `backend: "auto"` chose the backend (and recipe), and why; null for jobs from before routing. */
  routing: jsonb('routing').$type<RoutingDecision>(),
  /** The launch and SKU the job renders for (issue 16); null until launches exist. */
  launchId: uuid('launch_id'),
  sku: text('sku'),
  /**
   * A trial run of an unpublished draft (issue 13): which draft, the snapshot of its manifest (`recipeTrialKey`), the
   * backend it runs on and the server the designer chose. `recipe_version` is 0 then. Null for every other job.
   */
  trial: jsonb('trial').$type<JobTrial>(),
  createdAt: createdAt(),
  finishedAt: timestamp('finished_at', { withTimezone: true, mode: 'date' }),
}, (t) => [
  index('jobs_status_idx').on(t.status, t.id),
  index('jobs_type_idx').on(t.type, t.id),
  check('jobs_status_check', sql`${t.status} in ('queued','running','succeeded','failed','canceled')`),
]);

/** One variant of a job. `attempts` counts BullMQ tries as the manager saw them. */
export const tasks = pgTable('tasks', {
  id: uuid('id').primaryKey(),
  jobId: uuid('job_id').notNull().references(() => jobs.id, { onDelete: 'cascade' }),
  index: integer('index').notNull(),
  status: text('status').$type<TaskStatus>().notNull(),
  progress: doublePrecision('progress').notNull().default(0),
  params: jsonb('params').$type<Params>().notNull(),
  seed: bigint('seed', { mode: 'number' }).notNull(),
  attempts: integer('attempts').notNull().default(0),
  backend: text('backend'),
  worker: text('worker'),
  renderMs: integer('render_ms'),
  /** What the task spent on rented compute (GPU-seconds, server, price), for the cost ledger; null on the CPU. */
  usage: jsonb('usage').$type<RenderUsage>(),
  errorCode: text('error_code'),
  errorMessage: text('error_message'),
  /** Times this task was retried after failing for good (`attempts` restarts each time). */
  retries: integer('retries').notNull().default(0),
  createdAt: createdAt(),
  startedAt: timestamp('started_at', { withTimezone: true, mode: 'date' }),
  finishedAt: timestamp('finished_at', { withTimezone: true, mode: 'date' }),
}, (t) => [
  unique('tasks_job_index_unique').on(t.jobId, t.index),
  index('tasks_status_idx').on(t.status),
  check('tasks_status_check', sql`${t.status} in ('queued','running','succeeded','failed','canceled','skipped_budget')`),
]);
