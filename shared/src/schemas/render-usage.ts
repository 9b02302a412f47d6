import { z } from 'zod';

/**
 * What a task spent on rented compute, for the cost ledger: GPU-seconds on a priced ComfyUI server, or
 * Replicate's billed `predict_time`. Money itself is computed by the manager, in integer fen.
 */
export const RenderUsage = z.strictObject({
  provider: z.enum(['local', 'comfyui', 'replicate']),
  /** Seconds of GPU time the provider bills or the server measured (execution start to success). */
  gpuSeconds: z.number().nonnegative(),
  /** ComfyUI: the server that ran it, its GPU and its hourly price (integer fen). */
  server: z.string().optional(),
  gpu: z.string().optional(),
  fenPerHour: z.int().nonnegative().optional(),
  /** Replicate: the prediction(s) billed. */
  predictionIds: z.array(z.string()).optional(),
});
export type RenderUsage = z.infer<typeof RenderUsage>;
