import { z } from 'zod';
import { Id } from './ids.ts';
import { Params } from './params.ts';
import { RecipeId } from './recipe-ref.ts';
import { GateProfileId } from './score.ts';

// Batch launches (issue 16): a manifest of SKUs in, scored and auto-picked visuals out.

/** Most recipe lines a plan may hold, and most SKUs one manifest may list. */
export const maxLaunchRecipes = 8;
export const maxLaunchSkus = 20_000;

/** One line of a plan: a recipe and how many variants each SKU gets of it. */
export const LaunchRecipeLine = z.strictObject({
  recipe: RecipeId,
  variants: z.int().min(1).max(16),
  /** Parameters for every SKU of this line (a manifest row's own `params` override them). */
  params: Params.optional(),
  /** Fixed assets for inputs a SKU's photos do not fill (a model-swap's `person`): input name → asset id. */
  inputs: z.record(z.string(), Id).optional(),
});
export type LaunchRecipeLine = z.infer<typeof LaunchRecipeLine>;

/** What the operator asks of a launch: recipes × variants per SKU, the profile to pick for, picks per slot, a budget. */
export const LaunchPlan = z.strictObject({
  recipes: z.array(LaunchRecipeLine).min(1).max(maxLaunchRecipes),
  /** Picks per slot (top-K gate-passing, diverse candidates). @defaultValue 1 */
  pick: z.int().min(1).max(16).default(1),
  /** The marketplace gate profile picks must pass. @defaultValue taobao-main */
  profile: GateProfileId.default('taobao-main'),
  /** The most the whole launch may spend, integer milli-fen (¥1 = 100,000); SKUs that no longer fit are `skipped_budget`. */
  budget: z.int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
  /** Accept a manifest with bad rows, minus those rows. @defaultValue false */
  acceptPartial: z.boolean().default(false),
  /** Start an A/B experiment on each SKU's main slot with its picks (needs two or more picks). @defaultValue false */
  experiment: z.boolean().default(false),
  /** A name to find the launch by; defaults to the manifest's file name. */
  name: z.string().trim().min(1).max(120).optional(),
});
export type LaunchPlan = z.infer<typeof LaunchPlan>;

/** Why a manifest row was refused, as a spreadsheet shows it: `line` counts from 1 at the header. */
export const LaunchRowProblemCode = z.enum([
  'column_missing', 'value_missing', 'value_invalid', 'sku_duplicate', 'photo_missing_in_zip', 'photo_not_image',
  'asset_missing', 'asset_not_image', 'url_invalid', 'url_host_not_allowed', 'params_invalid',
]);
export type LaunchRowProblemCode = z.infer<typeof LaunchRowProblemCode>;
export const LaunchRowProblem = z.object({ line: z.int().min(1), column: z.string(), code: LaunchRowProblemCode, reason: z.string() });
export type LaunchRowProblem = z.infer<typeof LaunchRowProblem>;

/** `POST /api/launches`: 201 for a new launch, 200 for the same manifest and plan again. */
export const LaunchAccepted = z.object({ id: Id, accepted: z.int(), rejected: z.array(LaunchRowProblem) });
export type LaunchAccepted = z.infer<typeof LaunchAccepted>;

/** `POST /api/launches/preview`: the rows as parsed and their problems, and the plan's estimate; nothing is stored. */
export const LaunchPreview = z.object({
  rows: z.array(z.object({ line: z.int(), sku: z.string(), title: z.string(), category: z.string(), photos: z.array(z.string()), ok: z.boolean() })),
  accepted: z.int(),
  rejected: z.array(LaunchRowProblem),
  /** Expected cost of one SKU and of every accepted SKU, milli-fen; null when a recipe is not priced. */
  estimate: z.object({ perSku: z.int().nullable(), total: z.int().nullable(), tasksPerSku: z.int() }),
});
export type LaunchPreview = z.infer<typeof LaunchPreview>;

export const LaunchStatus = z.enum(['queued', 'running', 'finished', 'canceled']);
export type LaunchStatus = z.infer<typeof LaunchStatus>;

/**
 * A SKU's state: `pending` (not yet submitted: back-pressure), `rendering` (its jobs are in the farm or being scored),
 * then one of the ends: `done` (picked), `needs_review` (no candidate passed the gate), `failed`, `skipped_budget`, `canceled`.
 */
export const LaunchSkuStatus = z.enum(['pending', 'rendering', 'done', 'needs_review', 'failed', 'skipped_budget', 'canceled']);
export type LaunchSkuStatus = z.infer<typeof LaunchSkuStatus>;
export const finishedSkuStatuses: readonly LaunchSkuStatus[] = ['done', 'needs_review', 'failed', 'skipped_budget', 'canceled'];

/** `GET /api/launches/:id`. */
export const LaunchView = z.object({
  id: Id,
  name: z.string(),
  status: LaunchStatus,
  plan: LaunchPlan,
  skus: z.object({ total: z.int(), pending: z.int(), rendering: z.int(), done: z.int(), failed: z.int(), skippedBudget: z.int(), needsReview: z.int(), canceled: z.int() }),
  /** Spend so far, milli-fen (the cost ledger's lines of this launch). */
  spend: z.int(),
  /** The plan's expected cost per SKU, milli-fen; null when unpriced. */
  estimatePerSku: z.int().nullable(),
  rejected: z.array(LaunchRowProblem),
  createdAt: z.iso.datetime(),
  startedAt: z.iso.datetime().nullable(),
  finishedAt: z.iso.datetime().nullable(),
  /** Expected end, from the pace so far; null before the first SKU ends or once finished. */
  eta: z.iso.datetime().nullable(),
});
export type LaunchView = z.infer<typeof LaunchView>;

export const LaunchList = z.object({ items: z.array(LaunchView.omit({ rejected: true, plan: true })) });
export type LaunchList = z.infer<typeof LaunchList>;

export const LaunchPick = z.object({
  slot: z.string(), rank: z.int(), assetId: Id, url: z.string(), thumbnailUrl: z.string().nullable(), mime: z.string(),
  ctr: z.number().nullable(), quality: z.number().nullable(), by: z.enum(['auto', 'person']),
});
export type LaunchPick = z.infer<typeof LaunchPick>;

/** A candidate a designer may swap in: every output of the SKU with its score. */
export const LaunchCandidate = z.object({
  assetId: Id, slot: z.string(), url: z.string(), thumbnailUrl: z.string().nullable(), mime: z.string(),
  ctr: z.number().nullable(), quality: z.number().nullable(), gatePass: z.boolean().nullable(),
});
export type LaunchCandidate = z.infer<typeof LaunchCandidate>;

/** Where a SKU's launch experiment stands: due (to be started, also after a crash), started, or failed (refused). */
export const LaunchExperimentState = z.enum(['due', 'started', 'failed']);
export type LaunchExperimentState = z.infer<typeof LaunchExperimentState>;

export const LaunchSkuView = z.object({
  id: Id, line: z.int(), sku: z.string(), title: z.string(), category: z.string(), status: LaunchSkuStatus,
  jobIds: z.array(Id),
  /** The source photo's thumbnail, once its photo is an asset. */
  photoThumbnailUrl: z.string().nullable(),
  picks: z.array(LaunchPick),
  /** Rules that failed on every candidate (a `needs_review` SKU), with how many candidates failed each. */
  failingRules: z.array(z.object({ id: z.string(), count: z.int(), message: z.object({ 'zh-CN': z.string(), en: z.string() }) })),
  errorCode: z.string().nullable(),
  errorMessage: z.string().nullable(),
  spend: z.int(),
  /** The main slot's experiment when the plan asked for one; null otherwise. `error`: why it could not start. */
  experiment: z.object({ state: LaunchExperimentState, id: Id.nullable(), error: z.string().nullable() }).nullable(),
});
export type LaunchSkuView = z.infer<typeof LaunchSkuView>;

export const LaunchSkuQuery = z.strictObject({
  status: LaunchSkuStatus.optional(),
  /** SKUs whose code or title contains this. */
  q: z.string().max(100).optional(),
  /** Lines after this one (paging). */
  after: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});
export type LaunchSkuQuery = z.infer<typeof LaunchSkuQuery>;

export const LaunchSkuPage = z.object({ items: z.array(LaunchSkuView), nextAfter: z.int().nullable() });
export type LaunchSkuPage = z.infer<typeof LaunchSkuPage>;

/** A person's choice for one slot, replacing the automatic picks (in rank order). */
export const LaunchPicksUpdate = z.strictObject({ slot: z.string().min(1).max(32), assetIds: z.array(Id).min(1).max(16) });
export type LaunchPicksUpdate = z.infer<typeof LaunchPicksUpdate>;

/** Which slot a job type's outputs fill in the marketplace listing. */
export const launchSlotOf = { 'product-shot': 'main', 'model-swap': 'model', 'short-video': 'video' } as const;

/** A photo reference of a manifest row, resolved to an asset once it is one (ZIP photos at acceptance, URLs when the SKU starts). */
export interface LaunchPhotoRef {
  kind: 'asset' | 'zip' | 'url';
  ref: string;
  assetId: string | null;
}

/** A gate rule that failed on every candidate of a SKU, with how many candidates failed it. */
export interface LaunchFailingRule {
  id: string;
  count: number;
  message: { 'zh-CN': string; en: string };
}
