import { z } from 'zod';
import { Id } from './ids.ts';

/** A product's identifier in the shop (its SKU); letters, digits and `._-`, as storefront URLs carry it. */
export const Sku = z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'letters, digits, ".", "_" or "-", at most 64');
export type Sku = z.infer<typeof Sku>;

/** An image position of a product page: `main`, `alt-1`, `detail`, … */
export const SlotName = z.string().regex(/^[a-z0-9-]{1,32}$/, 'lower-case letters, digits or "-", at most 32');
export type SlotName = z.infer<typeof SlotName>;

/** How traffic is split: Thompson sampling (P(best)), its top-two variant, or fixed weights (a classic A/B/n). */
export const ExperimentPolicy = z.enum(['thompson', 'top-two-thompson', 'fixed']);
export type ExperimentPolicy = z.infer<typeof ExperimentPolicy>;

export const ExperimentStatus = z.enum(['running', 'stopped', 'promoted']);
export type ExperimentStatus = z.infer<typeof ExperimentStatus>;

/** Minimum evidence before a winner may be declared, and how long an experiment may run. */
export const ExperimentGuardrails = z.object({
  minImpressionsPerArm: z.int().min(0).max(10_000_000).default(1000),
  minClicksPerArm: z.int().min(0).max(1_000_000).default(20),
  minRuntimeS: z.int().min(0).max(365 * 86400).default(86400),
  maxRuntimeS: z.int().min(60).max(365 * 86400).default(30 * 86400),
}).refine((g) => g.maxRuntimeS >= g.minRuntimeS, { message: 'maxRuntimeS must be at least minRuntimeS', path: ['maxRuntimeS'] });
export type ExperimentGuardrails = z.infer<typeof ExperimentGuardrails>;

export const CreateExperiment = z.object({
  sku: Sku,
  slot: SlotName,
  /** Candidate images; the slot's live image, when there is one and it is not listed, joins as the control (arm 0). */
  arms: z.array(Id).min(1).max(16),
  policy: ExperimentPolicy.default('thompson'),
  /** Weights of a `fixed` policy, one per arm as sent (the control, when added, takes the mean weight). */
  fixedWeights: z.array(z.number().positive()).max(16).optional(),
  autoPromote: z.boolean().default(false),
  guardrails: ExperimentGuardrails.optional(),
});
export type CreateExperiment = z.infer<typeof CreateExperiment>;

export const BetaParamsSchema = z.object({ alpha: z.number(), beta: z.number() });

export const DecisionState = z.enum(['collecting', 'ready', 'srm', 'promoted']);
export type DecisionState = z.infer<typeof DecisionState>;
export const DecisionReason = z.enum(['srm', 'min-impressions', 'min-clicks', 'min-runtime', 'no-clear-winner', 'max-runtime', 'winner', 'stopped', 'promoted']);
export type DecisionReason = z.infer<typeof DecisionReason>;

export const ExperimentDecision = z.object({ state: DecisionState, reason: DecisionReason, leaderAssetId: Id.nullable() });
export type ExperimentDecision = z.infer<typeof ExperimentDecision>;

export const ExperimentArm = z.object({
  assetId: Id,
  /** True for the slot's live image at the start. */
  control: z.boolean(),
  /** The scorer's p̂ (relative to the product's baseline), null when unscored or no model is active. */
  predictedCtr: z.number().nullable(),
  impressions: z.int(),
  clicks: z.int(),
  /** Observed CTR and its 95% Wilson interval. */
  ctr: z.object({ mean: z.number(), low: z.number(), high: z.number() }),
  prior: BetaParamsSchema,
  posterior: BetaParamsSchema,
  pBest: z.number(),
  weight: z.number(),
  url: z.string().optional(),
});
export type ExperimentArm = z.infer<typeof ExperimentArm>;

/** One allocation period: the weights served from `startedAt` and what each arm got while they held. */
export const ExperimentPeriod = z.object({
  period: z.int(),
  startedAt: z.iso.datetime(),
  weights: z.array(z.number()),
  pBest: z.array(z.number()),
  assignments: z.array(z.int()),
  impressions: z.array(z.int()),
  clicks: z.array(z.int()),
});
export type ExperimentPeriod = z.infer<typeof ExperimentPeriod>;

export const ExperimentSummary = z.object({
  id: Id,
  sku: Sku,
  slot: SlotName,
  status: ExperimentStatus,
  policy: ExperimentPolicy,
  autoPromote: z.boolean(),
  decision: ExperimentDecision,
  armCount: z.int(),
  createdAt: z.iso.datetime(),
  endedAt: z.iso.datetime().nullable(),
});
export type ExperimentSummary = z.infer<typeof ExperimentSummary>;

export const ExperimentView = ExperimentSummary.extend({
  guardrails: ExperimentGuardrails,
  /** Prior strength m of the scorer prior when the experiment started (fitted by empirical Bayes or the default). */
  priorStrength: z.number(),
  arms: z.array(ExperimentArm),
  srmPValue: z.number(),
  promotedAssetId: Id.nullable(),
  weightsHistory: z.array(ExperimentPeriod),
});
export type ExperimentView = z.infer<typeof ExperimentView>;

export const ExperimentCreated = z.object({
  id: Id,
  status: ExperimentStatus,
  arms: z.array(z.object({ assetId: Id, prior: BetaParamsSchema, weight: z.number() })),
});
export type ExperimentCreated = z.infer<typeof ExperimentCreated>;

export const ExperimentListQuery = z.object({
  status: ExperimentStatus.optional(),
  sku: Sku.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});
export const ExperimentList = z.object({ items: z.array(ExperimentSummary), total: z.int() });

export const PromoteExperiment = z.object({ assetId: Id.optional() });

/** Why a slot's live image changed. */
export const LiveChangeReason = z.enum(['experiment', 'manual', 'rollback']);
export type LiveChangeReason = z.infer<typeof LiveChangeReason>;

export const SlotHistoryEntry = z.object({
  assetId: Id,
  previousAssetId: Id.nullable(),
  reason: LiveChangeReason,
  experimentId: Id.nullable(),
  createdBy: z.string().nullable(),
  at: z.iso.datetime(),
});
export type SlotHistoryEntry = z.infer<typeof SlotHistoryEntry>;

/** A SKU slot's live pointer: the image shoppers see when no experiment runs, and how it got there. */
export const SlotView = z.object({
  sku: Sku,
  slot: SlotName,
  live: z.object({ assetId: Id, url: z.string(), since: z.iso.datetime() }).nullable(),
  runningExperimentId: Id.nullable(),
  history: z.array(SlotHistoryEntry),
});
export type SlotView = z.infer<typeof SlotView>;

export const SetLive = z.object({ assetId: Id });

// — storefront —

export const ServeQuery = z.object({
  /** The shopper's stable id (a first-party cookie): the same visitor keeps the same image for the experiment's life. */
  visitor: z.string().min(1).max(128).optional(),
  format: z.enum(['redirect', 'json']).default('redirect'),
  /** `0`: do not count an impression (the storefront will post it itself). */
  record: z.enum(['0', '1']).default('1'),
});

export const ServeAnswer = z.object({
  assetId: Id,
  url: z.string(),
  experimentId: Id.nullable(),
  /** Use as the impression's `eventId` when posting it later; null when nothing is counted. */
  impressionId: z.string().nullable(),
});
export type ServeAnswer = z.infer<typeof ServeAnswer>;

export const StorefrontEventType = z.enum(['impression', 'click']);

export const StorefrontEvent = z.object({
  /** The storefront's own id of the event; a resent event with the same id counts once. */
  eventId: z.string().min(8).max(128),
  type: StorefrontEventType,
  sku: Sku,
  slot: SlotName,
  assetId: Id,
  visitor: z.string().min(1).max(128),
  ts: z.iso.datetime({ offset: true }),
});
export type StorefrontEvent = z.infer<typeof StorefrontEvent>;

/** A batch is validated event by event: a bad event is rejected with its index, the others still count. */
export const EventBatch = z.object({ events: z.array(z.unknown()).min(1).max(1000) });

export const EventBatchResult = z.object({
  accepted: z.int(),
  duplicates: z.int(),
  rejected: z.array(z.object({ index: z.int(), code: z.string() })),
});
export type EventBatchResult = z.infer<typeof EventBatchResult>;
