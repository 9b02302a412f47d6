import { z } from 'zod';

/** Every status of ../shared/protocols/replicate.md §3.1; `aborted` (deadline before start) is terminal too. */
export const PredictionStatus = z.enum(['starting', 'processing', 'succeeded', 'failed', 'canceled', 'aborted']);
export type PredictionStatus = z.infer<typeof PredictionStatus>;

/**
 * The prediction object as far as we read it (protocol §3). Loose: Replicate adds fields without notice,
 * and webhooks carry the same JSON. Parsed at the edge, wherever it arrives from.
 */
export const Prediction = z.looseObject({
  id: z.string().min(1),
  status: PredictionStatus,
  model: z.string().nullish(),
  version: z.string().nullish(),
  input: z.record(z.string(), z.unknown()).nullish(),
  output: z.unknown().optional(),
  error: z.unknown().optional(),
  logs: z.string().nullish(),
  created_at: z.string().nullish(),
  started_at: z.string().nullish(),
  completed_at: z.string().nullish(),
  deadline: z.string().nullish(),
  webhook: z.string().nullish(),
  metrics: z.looseObject({ predict_time: z.number().optional(), total_time: z.number().optional() }).nullish(),
});
export type Prediction = z.infer<typeof Prediction>;

/** A page of `GET /v1/predictions` (§2.7): `next` is an absolute URL to follow as-is. */
export const PredictionPage = z.looseObject({
  next: z.string().nullish(),
  results: z.array(Prediction),
});
export type PredictionPage = z.infer<typeof PredictionPage>;

const terminal: ReadonlySet<PredictionStatus> = new Set(['succeeded', 'failed', 'canceled', 'aborted']);

/** Terminal states never change again (§3.1). The npm client forgets `aborted`; we do not. */
export const isTerminal = (status: PredictionStatus): boolean => terminal.has(status);

/** What the cost ledger needs from one prediction (§7: per-second models bill `predict_time`). */
export interface ReplicateUsage {
  predictionId: string;
  model: string | null;
  version: string | null;
  status: PredictionStatus;
  /** Seconds of hardware time while running; null when Replicate reported none. */
  predictTimeS: number | null;
  totalTimeS: number | null;
}

export function usageOf(p: Prediction): ReplicateUsage {
  return {
    predictionId: p.id, model: p.model ?? null, version: p.version ?? null, status: p.status,
    predictTimeS: p.metrics?.predict_time ?? null, totalTimeS: p.metrics?.total_time ?? null,
  };
}
