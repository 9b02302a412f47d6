import { z } from 'zod';

/** The three things Shotfarm makes. */
export const JobType = z.enum(['product-shot', 'model-swap', 'short-video']);
export type JobType = z.infer<typeof JobType>;
