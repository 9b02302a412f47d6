import { z } from 'zod';
import { Id } from './ids.ts';

/** Money is integer milli-fen (¥0.00001); floats never enter the ledger. */
export const MilliFen = z.int();
export type MilliFen = z.infer<typeof MilliFen>;
export const milliFenPerYuan = 100_000;

/**
 * What a ledger line charges for: a task attempt's compute (`gpu-seconds` on ComfyUI or Replicate hardware,
 * `cpu-seconds` on our own CPUs), a per-output `api-call`, a self-hosted server's `idle` time spread over the
 * images it made that hour, or `storage` byte-days.
 */
export const CostKind = z.enum(['gpu-seconds', 'cpu-seconds', 'api-call', 'idle', 'storage']);
export type CostKind = z.infer<typeof CostKind>;

/** One line of the cost ledger. */
export const CostEntry = z.object({
  id: Id,
  /** What makes the line unique, so a replayed event charges once: `attempt:<task>:<run>`, `idle:<server>:<hour>:<job>`, `storage:<day>:<job>`. */
  entryKey: z.string(),
  jobId: Id.nullable(),
  taskId: Id.nullable(),
  /** The person's retry this attempt belongs to (0: the first run). */
  run: z.int().nonnegative().nullable(),
  /** How the attempt ended: succeeded, failed, canceled; null for idle and storage lines. */
  outcome: z.string().nullable(),
  backend: z.string(),
  server: z.string().nullable(),
  gpu: z.string().nullable(),
  recipeId: z.string().nullable(),
  /** The launch and SKU the job belongs to, once launches exist (issue 16); null until then. */
  launchId: Id.nullable(),
  sku: z.string().nullable(),
  kind: CostKind,
  /** Busy milliseconds (× cores for CPU), outputs for a per-output price, byte-days for storage. */
  quantityMilli: z.int().nonnegative(),
  images: z.int().nonnegative(),
  priceBookVersion: z.int().positive(),
  amountMilliFen: MilliFen,
  occurredAt: z.iso.datetime(),
});
export type CostEntry = z.infer<typeof CostEntry>;

export const CostGroupBy = z.enum(['task', 'job', 'launch', 'sku', 'recipe', 'backend', 'server', 'day']);
export type CostGroupBy = z.infer<typeof CostGroupBy>;

export const CostQuery = z.strictObject({
  groupBy: CostGroupBy.default('day'),
  /** Inclusive start, ISO date or date-time (UTC). @defaultValue 30 days ago */
  from: z.union([z.iso.date(), z.iso.datetime()]).optional(),
  /** Exclusive end. @defaultValue now */
  to: z.union([z.iso.date(), z.iso.datetime()]).optional(),
  format: z.enum(['json', 'csv']).optional(),
});
export type CostQuery = z.infer<typeof CostQuery>;

/** One roll-up row: the ledger lines of one key summed, with what they bought. */
export const CostRollupRow = z.object({
  /** The group's key (job id, recipe id, day …); null for lines without one (idle time no image absorbed, storage by day). */
  key: z.string().nullable(),
  /** Task attempts charged (succeeded, failed, canceled). */
  tasks: z.int().nonnegative(),
  failedTasks: z.int().nonnegative(),
  /** Busy seconds of compute (GPU or CPU-core), three decimals. */
  gpuSeconds: z.number().nonnegative(),
  idleAmount: MilliFen,
  amount: MilliFen,
  images: z.int().nonnegative(),
  approved: z.int().nonnegative(),
  /** Images live in a shop (the A/B issue's live pointers; until they exist, approved images). */
  live: z.int().nonnegative(),
  perImage: MilliFen.nullable(),
  perApprovedImage: MilliFen.nullable(),
  perLiveImage: MilliFen.nullable(),
});
export type CostRollupRow = z.infer<typeof CostRollupRow>;

export const CostRollup = z.object({
  currency: z.literal('CNY'),
  unit: z.literal('milli-fen'),
  groupBy: CostGroupBy,
  from: z.iso.datetime(),
  to: z.iso.datetime(),
  /** What `live` counts: `live-pointers` once the A/B issue's pointers exist, `approved` until then. */
  liveSource: z.enum(['approved', 'live-pointers']),
  rows: z.array(CostRollupRow),
  total: CostRollupRow,
});
export type CostRollup = z.infer<typeof CostRollup>;

/** A job's money: what it was expected to cost before dispatch and what the ledger holds for it. */
export const JobCost = z.object({
  /** Milli-fen for all its tasks at submission, from the price book; null when a price is unknown. */
  estimate: MilliFen.nullable(),
  actual: MilliFen,
  budget: MilliFen.nullable(),
});
export type JobCost = z.infer<typeof JobCost>;

/** How `backend: "auto"` chose, recorded on the job. */
export const RoutingDecision = z.object({
  requested: z.string(),
  recipe: z.string(),
  backend: z.string(),
  reason: z.string(),
  candidates: z.array(z.object({
    recipe: z.string(),
    backend: z.string(),
    /** Expected milli-fen per image that passes the gate; null when unavailable or unpriced. */
    perAcceptedImage: MilliFen.nullable(),
    excluded: z.string().optional(),
  })),
});
export type RoutingDecision = z.infer<typeof RoutingDecision>;

/** `GET /api/budgets`: today's organisation-wide cap and what is left of it. */
export const BudgetsView = z.object({
  currency: z.literal('CNY'),
  unit: z.literal('milli-fen'),
  daily: z.object({
    /** The cap in force (DAILY_BUDGET_FEN wins over the price book's); null: none. */
    cap: MilliFen.nullable(),
    source: z.enum(['DAILY_BUDGET_FEN', 'price-book', 'none']),
    spent: MilliFen,
    remaining: MilliFen.nullable(),
  }),
  priceBookVersion: z.int(),
  /** The ¥ per live image the costs page measures against (¥1 = 100,000). */
  targetPerLiveImage: MilliFen,
});
export type BudgetsView = z.infer<typeof BudgetsView>;

/** `PUT /api/budgets/daily`: a new daily cap (a new price book version); null removes it. */
export const DailyCapUpdate = z.strictObject({
  milliFen: z.int().positive().max(Number.MAX_SAFE_INTEGER).nullable(),
  note: z.string().max(500).optional(),
});
export type DailyCapUpdate = z.infer<typeof DailyCapUpdate>;

/** `GET /api/costs/estimates`: per recipe, estimated against actual. */
export const EstimateAccuracy = z.object({
  items: z.array(z.object({
    recipeId: z.string(), jobs: z.int(), estimate: MilliFen, actual: MilliFen,
    /** Actual ÷ estimate, per mille (1000: spot on); null when nothing was estimated. */
    actualPerMilleOfEstimate: z.int().nullable(),
  })),
});
export type EstimateAccuracy = z.infer<typeof EstimateAccuracy>;
