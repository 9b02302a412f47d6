import { chargeForTime, comfyRate, localRate, replicateRate, type PriceOverrides, type Rate } from '@shotfarm/shared/costs';
import type { CostKind, PriceBookContent, RenderUsage } from '@shotfarm/shared';
import { rateOf, type Pricing } from '../recipes/recipe-estimate.ts';
import type { BackendId, Recipe } from '@shotfarm/workflows';

/** What the ledger knows of a finished attempt. */
export interface FinishedAttempt {
  outcome: 'succeeded' | 'failed' | 'canceled';
  backend: BackendId;
  recipe: Pick<Recipe, 'backend' | 'estimateSecondsPerTask' | 'outputs'> & { manifest?: { replicate?: { model: string } | undefined } | undefined } | undefined;
  usage: RenderUsage | null;
  /** Worker-measured render time of a success. */
  renderMs: number | null;
  startedAt: Date | null;
  finishedAt: Date | null;
  images: number;
}

export interface AttemptCharge {
  kind: CostKind;
  quantityMilli: number;
  amountMilliFen: number;
  server: string | null;
  gpu: string | null;
  rate: Rate;
}

/** Cores one local render uses: the local backend renders a task on one thread (sharp's work is per task). */
export const localCoresPerTask = 1;

/**
 * Price one attempt. Measured busy time wins: Replicate's `predict_time`, ComfyUI's execution start → end (both in
 * `usage`), local wall time × cores. An attempt that failed or was canceled reports no usage, so its wall time on
 * the manager's clock (first start → end) is charged at its backend's rate — it held the hardware that long.
 * Per-output prices charge only outputs delivered (Replicate bills official models per output).
 */
export function chargeAttempt(a: FinishedAttempt, book: PriceBookContent, pricing: Pricing, overrides: PriceOverrides): AttemptCharge {
  const wallMs = a.startedAt && a.finishedAt ? Math.max(0, a.finishedAt.getTime() - a.startedAt.getTime()) : 0;
  const u = a.usage;
  if (u && u.provider === 'comfyui') {
    const rate = comfyRate(book, { ...(u.server ? { name: u.server } : {}), ...(u.gpu ? { gpu: u.gpu } : {}), ...(u.fenPerHour ? { fenPerHour: u.fenPerHour } : {}) }, overrides);
    const ms = Math.round(u.gpuSeconds * 1000);
    return { kind: 'gpu-seconds', quantityMilli: ms, amountMilliFen: chargeForTime(ms, rate.basis === 'per-hour' ? rate.milliFenPerHour : 0), server: u.server ?? null, gpu: u.gpu ?? null, rate };
  }
  if (u && u.provider === 'replicate') {
    const rate = replicateRate(book, a.recipe?.manifest?.replicate?.model, overrides);
    if (rate.basis === 'per-output') return { kind: 'api-call', quantityMilli: a.images * 1000, amountMilliFen: rate.milliFenPerOutput * a.images, server: 'replicate', gpu: null, rate };
    const ms = Math.round(u.gpuSeconds * 1000);
    return { kind: 'gpu-seconds', quantityMilli: ms, amountMilliFen: chargeForTime(ms, rate.milliFenPerHour), server: 'replicate', gpu: null, rate };
  }
  if (a.backend === 'local') {
    const ms = (a.outcome === 'succeeded' ? a.renderMs : null) ?? wallMs;
    const rate = localRate(book);
    return { kind: 'cpu-seconds', quantityMilli: ms * localCoresPerTask, amountMilliFen: chargeForTime(ms, rate.basis === 'per-hour' ? rate.milliFenPerHour : 0, localCoresPerTask), server: 'local', gpu: null, rate };
  }
  // A GPU attempt without usage (failed or canceled): wall time at the backend's rate; per-output prices bill nothing undelivered.
  // Without a server named, the configured servers' median rate, as the estimate uses (the pool picks any of them).
  const rate = rateOf(a.recipe ?? { backend: a.backend, estimateSecondsPerTask: 0, outputs: { kind: 'image', countPerTask: 1 } }, a.backend, pricing);
  const amount = rate.basis === 'per-hour' ? chargeForTime(wallMs, rate.milliFenPerHour) : 0;
  return { kind: 'gpu-seconds', quantityMilli: wallMs, amountMilliFen: amount, server: a.backend === 'replicate' ? 'replicate' : null, gpu: null, rate };
}
